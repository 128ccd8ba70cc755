import { envInt } from '@parcelwatch/config';
import { z } from 'zod';

/** Environment of the sandbox process, on top of the shared service settings. */
export const sandboxSettingsSchema = z.object({
  /** The provider APIs listen here; PORT serves health and metrics. */
  SANDBOX_API_PORT: envInt({ min: 0, max: 65_535 }).default(3101),
  SANDBOX_SEED: envInt({ min: 0, max: 2_147_483_647 }).default(1),
  /** Seeded shipments created at start (spread over the last 20 days), for demos. */
  SANDBOX_SHIPMENTS: envInt({ min: 0, max: 100_000 }).default(0),
  /** Real ms between webhook pushes; 0 pushes only on POST /sandbox/webhooks/flush. */
  SANDBOX_WEBHOOK_INTERVAL_MS: envInt({ min: 0, max: 3_600_000 }).default(0),
  SANDBOX_17TRACK_WEBHOOK_URL: z.url().optional(),
  SANDBOX_AFTERSHIP_WEBHOOK_URL: z.url().optional(),
  SANDBOX_AFTERSHIP_WEBHOOK_SECRET: z.string().min(1).default('sandbox-webhook-secret'),
});

export type SandboxSettings = z.output<typeof sandboxSettingsSchema>;
