// The access layer lives in @parcelwatch/service-kit (every service's own server installs it too).
export { DEFAULT_RATE_LIMITS, RateLimiter, rateLimitsFromEnv, type RateDecision, type RateLimits } from '@parcelwatch/service-kit';
