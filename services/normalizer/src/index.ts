export { buildNormalizer, createNormalizerService, NORMALIZER_GROUP, type NormalizerDeps, type NormalizerService } from './app.js';
export { loadNormalizerConfig, normalizerConfigSchema, type NormalizerConfig } from './config.js';
export { createSnapshotApplier, LEARNED_ESTIMATE_DEFAULTS, type SnapshotApplierOptions, type SnapshotMessage } from './snapshot.handler.js';
