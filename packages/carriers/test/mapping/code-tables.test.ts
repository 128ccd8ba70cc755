import { describe, expect, it } from '@jest/globals';
import { isValidStatus, PROVIDERS } from '@parcelwatch/contracts';
import {
  AFTERSHIP_SUBTAGS,
  AFTERSHIP_TAGS,
  DHL_STATUS_CODES,
  FEDEX_STATUS_CODES,
  mapperFor,
  SEVENTEEN_TRACK_MAIN_STATUSES,
  SEVENTEEN_TRACK_SUB_STATUSES,
  TIKTOK_EVENT_CODES,
  UPS_ACTIVITY_TYPES,
  UPS_STATUS_CODES,
  USPS_EVENT_CODES,
  USPS_STATUS_CATEGORIES,
  type CodeTable,
} from '../../src/index.js';
import { loadFixture } from '../load-fixture.js';

// Read, not imported: jest's ESM mode warns on JSON imports whatever their import attribute.
const aftershipTaxonomy = loadFixture('taxonomies/aftership_tags_subtags.json') as { tags: object; subtags: object };
const seventeenTrackTaxonomy = loadFixture('taxonomies/17track_status_substatus.json') as { main: string[]; sub: object };

const TABLES: Record<string, CodeTable> = {
  '17track sub-statuses': SEVENTEEN_TRACK_SUB_STATUSES,
  '17track main statuses': SEVENTEEN_TRACK_MAIN_STATUSES,
  'aftership subtags': AFTERSHIP_SUBTAGS,
  'aftership tags': AFTERSHIP_TAGS,
  'ups status codes': UPS_STATUS_CODES,
  'ups activity types': UPS_ACTIVITY_TYPES,
  'fedex status codes': FEDEX_STATUS_CODES,
  'usps event codes': USPS_EVENT_CODES,
  'usps status categories': USPS_STATUS_CATEGORIES,
  'dhl status codes': DHL_STATUS_CODES,
  'tiktok event codes': TIKTOK_EVENT_CODES,
};

describe('code tables', () => {
  const rows = Object.entries(TABLES).flatMap(([table, codes]) =>
    Object.entries(codes).map(([code, status]) => [table, code, status.milestone, status.reason] as const),
  );

  it.each(rows)('%s: %s -> (%s, %s) is a valid pair per the contracts', (_table, _code, milestone, reason) => {
    expect(isValidStatus(milestone, reason)).toBe(true);
  });

  it('covers every 17TRACK main status and sub-status of the published taxonomy', () => {
    expect(Object.keys(SEVENTEEN_TRACK_MAIN_STATUSES).sort()).toEqual([...seventeenTrackTaxonomy.main].sort());
    expect(Object.keys(SEVENTEEN_TRACK_SUB_STATUSES).sort()).toEqual(Object.keys(seventeenTrackTaxonomy.sub).sort());
  });

  it('covers every AfterShip tag and subtag of the published taxonomy', () => {
    expect(Object.keys(AFTERSHIP_TAGS).sort()).toEqual(Object.keys(aftershipTaxonomy.tags).sort());
    expect(Object.keys(AFTERSHIP_SUBTAGS).sort()).toEqual(Object.keys(aftershipTaxonomy.subtags).sort());
  });

  it('has a mapper for every provider id of the contracts', () => {
    for (const provider of PROVIDERS) expect(typeof mapperFor(provider)).toBe('function');
  });

  it('uses zero-padded 3-digit UPS status codes as on the wire', () => {
    for (const code of Object.keys(UPS_STATUS_CODES)) expect(code).toMatch(/^\d{3}$/);
  });
});
