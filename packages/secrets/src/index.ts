export { createSecretBox, SecretOpenError, type SecretBox } from './secret-box.js';
export { keyIdOf, parseSecretKey, SecretKeyError, type SecretKey } from './secret-key.js';
export { NO_SECRET_KEY_MESSAGE, secretBoxOf, secretKeyEnv, secretKeyRules, secretKeySettingsSchema, type SecretKeySettings } from './secret-key.env.js';
export { isTrackingTokenShaped, newTrackingToken, openTrackingToken, storedTrackingToken, trackingPageUrl, trackingTokenHash, trackingTokenNeedsReseal } from './tracking-token.js';
