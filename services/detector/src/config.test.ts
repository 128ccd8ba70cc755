import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@parcelwatch/config';
import { loadDetectorConfig } from './config.js';

describe('detector config', () => {
  it('has defaults, and reads the thresholds file path and sweep settings', () => {
    expect(loadDetectorConfig({})).toMatchObject({ DETECTOR_SWEEP_INTERVAL_MS: 60_000, DETECTOR_SWEEP_BATCH_SIZE: 1000, DETECTOR_SWEEP_CONCURRENCY: 1, PORT: 3003 });
    expect(loadDetectorConfig({ DETECTOR_THRESHOLDS_FILE: '/etc/pw/thresholds.yaml', DETECTOR_SWEEP_BATCH_SIZE: '2500' })).toMatchObject({
      DETECTOR_THRESHOLDS_FILE: '/etc/pw/thresholds.yaml',
      DETECTOR_SWEEP_BATCH_SIZE: 2500,
    });
  });
  it('refuses a batch size it cannot claim in one statement, with the shared settings checked in the same pass', () => {
    let error: unknown;
    try {
      loadDetectorConfig({ DETECTOR_SWEEP_BATCH_SIZE: '50000', PORT: '70000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.key).sort()).toEqual(['DETECTOR_SWEEP_BATCH_SIZE', 'PORT']);
  });
});
