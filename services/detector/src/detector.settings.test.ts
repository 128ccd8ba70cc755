import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseEnv } from '@parcelwatch/config';
import { detectorSettingsSchema } from './detector.settings.js';

describe('detector settings', () => {
  it('has defaults, and reads the thresholds file path and sweep settings', () => {
    expect(parseEnv(detectorSettingsSchema, {})).toEqual({ DETECTOR_SWEEP_INTERVAL_MS: 60_000, DETECTOR_SWEEP_BATCH_SIZE: 1000, DETECTOR_SWEEP_CONCURRENCY: 1 });
    expect(parseEnv(detectorSettingsSchema, { DETECTOR_THRESHOLDS_FILE: '/etc/pw/thresholds.yaml', DETECTOR_SWEEP_BATCH_SIZE: '2500' })).toMatchObject({
      DETECTOR_THRESHOLDS_FILE: '/etc/pw/thresholds.yaml',
      DETECTOR_SWEEP_BATCH_SIZE: 2500,
    });
  });
  it('refuses a batch size it cannot claim in one statement', () => {
    expect(() => parseEnv(detectorSettingsSchema, { DETECTOR_SWEEP_BATCH_SIZE: '50000' })).toThrow(ConfigError);
  });
});
