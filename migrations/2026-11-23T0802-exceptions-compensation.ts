import { sql, type Kysely } from 'kysely';

// What the detector and the compensation service write: exceptions with their lifecycle,
// delay observations, compensation decisions, and per-scope overrides of detection thresholds.

const EXCEPTION_KINDS = `('not_picked_up', 'stalled', 'customs_hold', 'delivery_overdue', 'failed_delivery',
  'pickup_uncollected', 'returning', 'lost', 'damaged', 'late')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE exceptions (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      kind text NOT NULL CHECK (kind IN ${sql.raw(EXCEPTION_KINDS)}),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'escalated', 'resolved')),
      severity text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
      opened_at timestamptz NOT NULL,
      escalated_at timestamptz,
      escalation_count integer NOT NULL DEFAULT 0,
      resolved_at timestamptz,
      resolution text,
      details jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // One open (or escalated) exception per shipment and kind; resolved ones are history.
  await sql`CREATE UNIQUE INDEX exceptions_one_open_idx ON exceptions (shipment_id, kind) WHERE status <> 'resolved'`.execute(db);
  await sql`CREATE INDEX exceptions_open_by_kind_idx ON exceptions (merchant_id, kind, opened_at) WHERE status <> 'resolved'`.execute(db);
  // Weekly top causes and response SLA read exceptions by when they were opened.
  await sql`CREATE INDEX exceptions_opened_idx ON exceptions (opened_at)`.execute(db);

  await sql`
    CREATE TABLE delays (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      against text NOT NULL CHECK (against IN ('promised', 'estimated')),
      reference_at timestamptz NOT NULL,
      days_late integer NOT NULL CHECK (days_late >= 0),
      tier smallint NOT NULL CHECK (tier BETWEEN 0 AND 3),
      computed_at timestamptz NOT NULL,
      -- Each whole day late is observed once per reference, however often the sweep runs.
      CONSTRAINT delays_observation_key UNIQUE (shipment_id, against, days_late)
    )`.execute(db);

  await sql`
    CREATE TABLE compensations (
      id uuid PRIMARY KEY,
      shipment_id uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      merchant_id uuid NOT NULL REFERENCES merchants (id),
      tier smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'executing',
        'executed', 'failed', 'cancelled')),
      action text NOT NULL CHECK (action IN ('coupon', 'free_shipping_voucher', 'partial_refund', 'full_refund',
        'reship', 'priority_reship')),
      add_ons jsonb NOT NULL DEFAULT '[]',
      amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
      currency char(3) NOT NULL,
      channel text NOT NULL CHECK (channel IN ('fast', 'standard', 'green')),
      approval_level text NOT NULL CHECK (approval_level IN ('auto', 'supervisor', 'manager')),
      evidence_required boolean NOT NULL DEFAULT false,
      supersedes_id uuid REFERENCES compensations (id),
      policy_version text NOT NULL,
      rule_fired text NOT NULL,
      decided_at timestamptz NOT NULL,
      approver text,
      approved_at timestamptz,
      rejected_reason text,
      execution_key text NOT NULL,
      external_ref text,
      executed_at timestamptz,
      error text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- At most one compensation per shipment and tier; a retried execution reuses its key.
      CONSTRAINT compensations_tier_key UNIQUE (shipment_id, tier),
      CONSTRAINT compensations_execution_key UNIQUE (execution_key)
    )`.execute(db);
  await sql`CREATE INDEX compensations_pending_idx ON compensations (merchant_id, decided_at) WHERE status = 'pending'`.execute(db);
  // Daily budget caps and weekly cost reports sum by merchant and decision time.
  await sql`CREATE INDEX compensations_cost_idx ON compensations (merchant_id, decided_at)`.execute(db);

  await sql`
    CREATE TABLE detection_overrides (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      rule text NOT NULL CHECK (rule IN ${sql.raw(EXCEPTION_KINDS)}),
      carrier text,
      origin_country char(2),
      destination_country char(2),
      merchant_id uuid REFERENCES merchants (id) ON DELETE CASCADE,
      threshold jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // One override per rule and scope; NULL means "any", so compare through coalesce.
  await sql`CREATE UNIQUE INDEX detection_overrides_scope_idx ON detection_overrides (rule, coalesce(carrier, ''),
    coalesce(origin_country, ''), coalesce(destination_country, ''), coalesce(merchant_id::text, ''))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE detection_overrides`.execute(db);
  await sql`DROP TABLE compensations`.execute(db);
  await sql`DROP TABLE delays`.execute(db);
  await sql`DROP TABLE exceptions`.execute(db);
}
