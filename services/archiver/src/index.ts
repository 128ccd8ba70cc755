export { buildArchiver, createArchiverService, ARCHIVER_GROUP, type ArchiverDeps, type ArchiverService } from './app.js';
export { createProofArchive, UnknownShipmentError, DEFAULT_RETENTION_DAYS, type ProofArchive, type ProofArchiveDeps } from './proof-archive.js';
export { verifyProofs, type Finding, type FindingProblem, type ProofCheck, type VerifyReport } from './verify/proof-verifier.js';
export { parseManifest, type ProofManifest, type ManifestPart } from './bundle/manifest.js';
export { proofView } from './appeal.routes.js';
export { archiverConfigSchema, loadArchiverConfig, type ArchiverConfig } from './config.js';
