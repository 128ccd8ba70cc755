import { sql, type RawBuilder } from 'kysely';

/**
 * Rows as one jsonb parameter read back with `jsonb_to_recordset`: the set-based way to send a
 * batch of rows in one statement. One JSON.stringify (native) and one jsonb parse (in the
 * server) cost far less than a parameter per value, or pg's array literals (escaped in
 * JavaScript element by element), once a batch has thousands of rows. `columns` is the record
 * definition, e.g. `id uuid, occurred_at timestamptz`; the rows' keys must be those names.
 * Nested objects and arrays arrive as jsonb where the column is jsonb.
 */
export function jsonRecords(rows: readonly object[], columns: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(${columns})`;
}
