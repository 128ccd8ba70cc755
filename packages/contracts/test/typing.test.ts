import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, parseEvent } from '../src/index.js';
import type { Checkpoint, EventOnTopic, ReasonOf } from '../src/index.js';
import { SAMPLE_EVENTS, checkpoint } from './sample-events.js';

// Compile-time checks (npm run check-types) exercised at runtime too: a consumer narrows the
// parsed union by `type`, and a checkpoint's `reason` by its `milestone`.
function deliveredReasons(event: EventOnTopic<'shipment.events'>): ReasonOf<'delivered'>[] {
  if (event.type !== EVENT_TYPES.checkpointsAdded) return [];
  const reasons: ReasonOf<'delivered'>[] = [];
  for (const cp of event.data.checkpoints satisfies Checkpoint[]) {
    if (cp.milestone === 'delivered') reasons.push(cp.reason);
  }
  return reasons;
}

describe('types of parsed events', () => {
  it('narrow by type and by milestone', () => {
    const delivered = { ...checkpoint, milestone: 'delivered', reason: 'neighbour' };
    const raw = { ...SAMPLE_EVENTS[EVENT_TYPES.checkpointsAdded] };
    raw.data = { ...(raw.data as object), checkpoints: [checkpoint, delivered] };
    const result = parseEvent('shipment.events', raw);
    expect(result.ok).toBe(true);
    if (result.ok) expect(deliveredReasons(result.event)).toEqual(['neighbour']);
  });
});
