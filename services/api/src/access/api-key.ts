// The access layer lives in @parcelwatch/service-kit (every service's own server installs it too).
export { apiKeyPrefix, generateApiKey, hashApiKey, presentedKey, KEY_PREFIX_LENGTH, type GeneratedApiKey } from '@parcelwatch/service-kit';
