export { buildDetector, createDetectorService, DETECTOR_GROUP, type DetectorDeps, type DetectorService, type DetectorTopics } from './app.js';
export { detectAndWrite, toTrackingState, type DetectionCounts, type DetectionRoundDeps } from './detection.round.js';
export { sweepDue, type SweepOptions } from './detection.sweep.js';
export { ThresholdSource } from './threshold.source.js';
export { TransitSource } from './transit.source.js';
export { DEFAULT_THRESHOLDS, type Thresholds, type ThresholdsFile } from './domain/thresholds.js';
export { loadThresholdsFile, parseThresholdsFile, ThresholdsFileError } from './thresholds.config.js';
export { detectorConfigSchema, loadDetectorConfig, type DetectorConfig } from './config.js';
