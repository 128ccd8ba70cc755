export { createNormalizerService, NORMALIZER_GROUP, type NormalizerDeps, type NormalizerService } from './app.js';
export { createSnapshotApplier, type SnapshotApplierOptions, type SnapshotMessage } from './snapshot.handler.js';
