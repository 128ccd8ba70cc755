import type { FastifyInstance } from 'fastify';
import { detectCarrier } from '@parcelwatch/carriers';
import { resolveCarrier } from '../shipments/carrier-resolution.js';
import { courierDetectRequest, type CourierDetectResponse } from './courier-detect.schema.js';

/**
 * POST /v1/couriers/detect: for each number, every carrier it could belong to with the reason,
 * and the carrier registration would take without being told (the same resolution, so what a
 * seller sees here is what intake does). Pure computation: no merchant data is read, but the
 * route needs a merchant's key like every /v1 route (route policy).
 */
export function registerCourierDetectRoutes(app: FastifyInstance): void {
  app.post('/v1/couriers/detect', async (request, reply) => {
    const parsed = courierDetectRequest.safeParse(request.body);
    if (!parsed.success) {
      const message = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).slice(0, 5).join('; ');
      return reply.code(400).send({ error: 'invalid_request', message });
    }
    const results: CourierDetectResponse['results'] = parsed.data.trackingNumbers.map((trackingNumber) => {
      const detected = detectCarrier(trackingNumber);
      const resolution = resolveCarrier(trackingNumber, undefined, detected);
      return {
        trackingNumber,
        candidates: detected.map(({ carrier, confidence, checkDigitValid, format, normalized, reason }) => ({ carrier, confidence, checkDigitValid, format, normalized, reason })),
        carrier: resolution.ok ? resolution.carrier : null,
        problem: resolution.ok ? null : resolution.code,
      };
    });
    return reply.send({ results });
  });
}
