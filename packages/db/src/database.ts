import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Column types as both adapters return them (createDb installs the same parsers on each):
 * timestamptz -> Date, date -> 'YYYY-MM-DD' string, bigint -> number (money in minor units
 * and identities stay far below 2^53; a larger value throws rather than rounds), jsonb -> parsed
 * JSON. uuid columns are plain strings; uuid[] comes back as string[].
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;
type JsonDefault<T = unknown> = ColumnType<T, string | T | undefined, string | T>;
// pg sends a JS array parameter as a PostgreSQL array literal, which jsonb refuses (PGlite
// happens to accept it): JSON arrays are written as JSON.stringify text on both engines.
type JsonArrayDefault<T extends unknown[]> = ColumnType<T, string | undefined, string>;

export type MilestoneColumn =
  | 'pending' | 'info_received' | 'in_transit' | 'out_for_delivery' | 'available_for_pickup'
  | 'failed_attempt' | 'delivered' | 'exception' | 'expired' | 'not_found';
/** Where estimated_delivery_at comes from (migration 2026-12-07T1250). */
export type EstimatedDeliverySource = 'carrier' | 'learned';
export type ExceptionKindColumn =
  | 'not_picked_up' | 'stalled' | 'customs_hold' | 'delivery_overdue' | 'failed_delivery'
  | 'pickup_uncollected' | 'returning' | 'lost' | 'damaged' | 'late';

export interface MerchantsTable {
  id: string;
  name: string;
  default_locale: Generated<string>;
  default_timezone: Generated<string>;
  settings: JsonDefault<Record<string, unknown>>;
  /** HMAC key of the merchant's buyer ids (migration 2026-12-07T1020); never leaves the database and the api. */
  buyer_key: Generated<string>;
  created_at: CreatedAt;
  /** Migration 2026-12-07T1300: the onboarding profile (services/api/src/merchants). */
  support_email: string | null;
  marketplace_shop_id: string | null;
  marketplace_shop_cipher: string | null;
  compensation_policy_version: string | null;
  updated_at: Date | null;
}

export interface BuyerContactsTable {
  id: string;
  merchant_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: Json<Record<string, unknown>> | null;
  locale: Generated<string>;
  timezone: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  purged_at: Timestamp | null;
}

export interface ShipmentsTable {
  id: string;
  merchant_id: string;
  buyer_contact_id: string | null;
  /** Added by 2026-12-07T1020: inserts may leave it out (no identified buyer). */
  buyer_id: ColumnType<string | null, string | null | undefined, string | null>;
  order_id: string;
  tracking_number: string;
  carrier: string;
  provider: string;
  origin_country: string | null;
  destination_country: string | null;
  status: Generated<MilestoneColumn>;
  status_reason: string | null;
  status_at: Timestamp | null;
  last_checkpoint_at: Timestamp | null;
  info_received_at: Timestamp | null;
  picked_up_at: Timestamp | null;
  departed_origin_at: Timestamp | null;
  arrived_destination_at: Timestamp | null;
  customs_cleared_at: Timestamp | null;
  out_for_delivery_at: Timestamp | null;
  first_attempt_at: Timestamp | null;
  available_for_pickup_at: Timestamp | null;
  delivered_at: Timestamp | null;
  exception_at: Timestamp | null;
  returned_at: Timestamp | null;
  failed_attempts: Generated<number>;
  promised_delivery_date: string | null;
  buyer_timezone: Generated<string>;
  estimated_delivery_at: Timestamp | null;
  /** Added by 2026-12-07T1250: set with estimated_delivery_at (p90 when learned, a carrier window's end). */
  estimated_delivery_latest_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  estimated_delivery_source: ColumnType<EstimatedDeliverySource | null, EstimatedDeliverySource | null | undefined, EstimatedDeliverySource | null>;
  order_value_minor: number | null;
  order_currency: string | null;
  active: Generated<boolean>;
  provider_registered_at: Timestamp | null;
  last_polled_at: Timestamp | null;
  poll_attempts: Generated<number>;
  next_poll_at: Timestamp | null;
  /** Added by 2026-12-07T1250: why the poller cannot poll it (no carrier account), null when it can. */
  poll_problem: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/**
 * The detector's schedule (migration 2026-12-08T0100): one row per tracked shipment with a time
 * check pending, the earliest instant a time rule can change its verdict.
 */
export interface DetectionScheduleTable {
  shipment_id: string;
  next_check_at: Timestamp;
}

/** A buyer's identity per merchant (migration 2026-12-07T1020): no PII, the id is an HMAC of the email or phone. */
export interface BuyersTable {
  id: string;
  merchant_id: string;
  identified_by: 'email' | 'phone';
  order_count: Generated<number>;
  history_order_count: Generated<number>;
  first_order_at: Timestamp | null;
  last_order_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** Added by 2026-12-07T1430: when the buyer's personal data was erased. */
  purged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A buyer's spend in one currency: orders registered here, and the seller's figure from before. */
export interface BuyerSpendTable {
  buyer_id: string;
  currency: string;
  registered_minor: Generated<number>;
  history_minor: Generated<number>;
}

/** One row per (merchant, order): what makes an order count once, whatever its parcels. */
export interface BuyerOrdersTable {
  merchant_id: string;
  order_id: string;
  buyer_id: string;
  value_minor: number | null;
  currency: string | null;
  registered_at: Timestamp;
}

export interface TrackingSnapshotsTable {
  id: string;
  shipment_id: string;
  provider: string;
  source: 'poll' | 'webhook';
  fetched_at: Timestamp;
  http_status: number | null;
  /** Of the bytes received (or of a sliced part's canonical JSON). */
  sha256: string;
  byte_size: number;
  metadata: JsonDefault<Record<string, unknown>>;
  created_at: CreatedAt;
  /** The archive's facts, all null until the archiver has stored the bytes. */
  blob_key: string | null;
  /** Of the stored bytes (they differ from `sha256` when a JSON body was re-serialized on the way). */
  archived_sha256: string | null;
  content_type: string | null;
  retain_until: Timestamp | null;
  archived_at: Timestamp | null;
}

export interface CheckpointsTable {
  id: Generated<string>;
  shipment_id: string;
  occurred_at: Timestamp;
  local_time: string | null;
  utc_offset_minutes: number | null;
  zone_unknown: Generated<boolean>;
  milestone: MilestoneColumn;
  reason: string | null;
  location_text: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  postal_code: string | null;
  raw_code: string | null;
  raw_text: string | null;
  source: 'poll' | 'webhook';
  provider: string;
  fingerprint: string;
  snapshot_id: string | null;
  created_at: CreatedAt;
}

/** The contract's severity scale (migration 2026-11-23T1100). */
export type ExceptionSeverityColumn = 'low' | 'medium' | 'high' | 'critical';

export interface ExceptionsTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  kind: ExceptionKindColumn;
  status: Generated<'open' | 'escalated' | 'resolved'>;
  severity: Generated<ExceptionSeverityColumn>;
  opened_at: Timestamp;
  escalated_at: Timestamp | null;
  escalation_count: Generated<number>;
  resolved_at: Timestamp | null;
  resolution: string | null;
  details: JsonDefault<Record<string, unknown>>;
  updated_at: UpdatedAt;
}

export interface DelaysTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  against: 'promised' | 'estimated';
  reference_at: Timestamp;
  days_late: number;
  tier: number;
  computed_at: Timestamp;
}

/** A delay or exception event refused because the database's state of the shipment contradicts it. */
export interface CompensationRefusalsTable {
  trigger_event_id: string;
  trigger_event_type: string;
  shipment_id: string;
  claimed_merchant_id: string;
  reason: CompensationRefusalReason;
  detail: string;
  refused_at: Timestamp;
}

export type CompensationRefusalReason = 'unknown_shipment' | 'merchant_mismatch' | 'not_late_on_record' | 'exception_not_on_record' | 'exception_cleared';

export interface CompensationsTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  tier: number;
  status: Generated<'pending' | 'approved' | 'rejected' | 'executing' | 'executed' | 'failed' | 'cancelled'>;
  action: 'coupon' | 'free_shipping_voucher' | 'partial_refund' | 'full_refund' | 'reship' | 'priority_reship';
  add_ons: JsonArrayDefault<unknown[]>;
  amount_minor: number;
  currency: string;
  channel: 'fast' | 'standard' | 'green';
  approval_level: 'auto' | 'supervisor' | 'manager';
  evidence_required: Generated<boolean>;
  supersedes_id: string | null;
  policy_version: string;
  rule_fired: string;
  decided_at: Timestamp;
  approver: string | null;
  approved_at: Timestamp | null;
  rejected_reason: string | null;
  execution_key: string;
  external_ref: string | null;
  executed_at: Timestamp | null;
  error: string | null;
  updated_at: UpdatedAt;
  explanation: Generated<string>;
  trigger_kind: Generated<'delay' | 'damaged' | 'lost' | 'returning'>;
  trigger_event_type: string | null;
  trigger_event_id: string | null;
  cancel_on_delivery: Generated<boolean>;
  order_value_minor: number | null;
  order_currency: string | null;
  base_amount_minor: Generated<number>;
  base_currency: Generated<string>;
  approver_role: 'system' | 'supervisor' | 'manager' | null;
  evidence: JsonArrayDefault<string[]>;
  cancelled_reason: string | null;
  execution_attempts: Generated<number>;
  execution_claimed_at: Timestamp | null;
  /** When a retriable failure may be tried again; null: due at once. */
  next_attempt_at: Timestamp | null;
  /** The first failure of the current run of retries: the give-up horizon counts from it. */
  first_failed_at: Timestamp | null;
  last_error_class: 'retriable' | 'refused' | 'gave_up' | null;
}

export interface DetectionOverridesTable {
  id: Generated<number>;
  rule: ExceptionKindColumn;
  carrier: string | null;
  origin_country: string | null;
  destination_country: string | null;
  merchant_id: string | null;
  threshold: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface NotificationsTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  idempotency_key: string;
  /** The natural trigger key, e.g. "milestone:shipped" or "exception:<id>:opened". */
  trigger: string;
  channel: NotificationChannelColumn;
  template: string;
  locale: string;
  status: Generated<NotificationStatusColumn>;
  scheduled_for: Timestamp;
  attempts: Generated<number>;
  sent_at: Timestamp | null;
  provider_message_id: string | null;
  body_sha256: string | null;
  error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  // notifier (issue 6): 2026-11-23T1200-notification-dispatch
  seq: GeneratedAlways<number>;
  trigger_type: string | null;
  trigger_event_id: string | null;
  params: JsonDefault<Record<string, unknown>>;
  occurred_at: ColumnType<Date, Date | string | undefined, Date | string>;
  defer_reason: NotificationDeferReasonColumn | null;
  lease_until: Timestamp | null;
  error_code: string | null;
  failed_at: Timestamp | null;
  /** Added by 2026-12-07T1430: the current claim's token; renewals and finishes must present it. */
  claim_token: ColumnType<string | null, string | null | undefined, string | null>;
}

// notifier (issue 6)
export type NotificationChannelColumn = 'email' | 'sms' | 'merchant_webhook' | 'marketplace_message';
export type NotificationStatusColumn = 'scheduled' | 'deferred' | 'sending' | 'sent' | 'failed' | 'skipped';
export type NotificationDeferReasonColumn = 'quiet_hours' | 'daily_cap' | 'rate_limited' | 'provider_unavailable';

export interface NotificationAttemptsTable {
  id: GeneratedAlways<number>;
  notification_id: string;
  attempt: number;
  status: 'sent' | 'failed' | 'deferred';
  provider_message_id: string | null;
  body_sha256: string | null;
  error_code: string | null;
  error: string | null;
  retriable: boolean | null;
  defer_reason: string | null;
  deferred_until: Timestamp | null;
  at: Timestamp;
}

export interface ProofsTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  kind: 'shipment' | 'delivery' | 'appeal';
  object_key: string;
  manifest_sha256: string;
  previous_sha256: string | null;
  parts: JsonArrayDefault<unknown[]>;
  retain_until: Timestamp | null;
  created_at: CreatedAt;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  message_key: string;
  event: Json<unknown>;
  headers: JsonDefault<Record<string, string>>;
  created_at: CreatedAt;
  published_at: Timestamp | null;
}

/** A message a consumer group could not parse or handle (migration 2026-12-07T1440). */
export interface DeadLettersTable {
  id: Generated<number>;
  letter_key: string;
  consumer_group: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  message_key: string | null;
  payload: Buffer | null;
  headers: JsonDefault<Record<string, string>>;
  event_id: string | null;
  merchant_id: string | null;
  reason_kind: 'parse' | 'handler';
  reason: string;
  failures: Generated<number>;
  failed_at: Timestamp;
  replayed_at: Timestamp | null;
  replayed_by: string | null;
  replay_outbox_id: number | null;
}

export interface ProcessedMessagesTable {
  consumer_group: string;
  message_id: string;
  processed_at: CreatedAt;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  prefix: string;
  role: 'viewer' | 'approver' | 'admin' | 'ingest' | 'bot';
  merchant_ids: string[];
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  merchant_id: string | null;
  details: JsonDefault<Record<string, unknown>>;
}

/** A carrier webhook the api accepted; its key refuses the same push replayed. */
export interface WebhookReceiptsTable {
  provider: string;
  replay_key: string;
  body_sha256: string;
  signed_at: Timestamp | null;
  received_at: Timestamp;
}

/* issue 7: carrier/lane performance per registration day, merchant and lane (migration 2026-11-23T1700). */
export interface CarrierPerformanceDailyTable {
  day: ColumnType<string, string, string>;
  merchant_id: string;
  carrier: string;
  origin_country: string | null;
  destination_country: string | null;
  shipments: number;
  delivered: number;
  delivered_with_promise: number;
  delivered_on_time: number;
  transit_measured: number;
  with_exception: number;
  customs_holds: number;
  lost: number;
  transit_hours: number[];
  transit_counts: number[];
}

/* issue 18: per carrier, lane and registration day, the counts of every day up to it (migration 2026-12-08T0200); '' = unknown country. */
export interface CarrierPerformanceCumulativeTable {
  carrier: string;
  origin_country: string;
  destination_country: string;
  day: ColumnType<string, string, string>;
  shipments: ColumnType<string, number, number>;
  delivered: ColumnType<string, number, number>;
  delivered_with_promise: ColumnType<string, number, number>;
  delivered_on_time: ColumnType<string, number, number>;
  transit_measured: ColumnType<string, number, number>;
  with_exception: ColumnType<string, number, number>;
  customs_holds: ColumnType<string, number, number>;
  lost: ColumnType<string, number, number>;
  /** Deliveries by whole transit days (index 1 = under 24 hours), cumulative like the counts. */
  transit_days: ColumnType<string[], number[], number[]>;
}

/* issue 18: per carrier, lane and whole transit day, that bucket's hour entries up to a registration day (migration 2026-12-08T0200). */
export interface CarrierPerformanceTransitTable {
  carrier: string;
  origin_country: string;
  destination_country: string;
  transit_day: number;
  day: ColumnType<string, string, string>;
  transit_hours: number[];
  transit_counts: ColumnType<string[], number[], number[]>;
}

/* (merchant, registration day) pairs whose rollup rows are out of date; appended by triggers. */
export interface CarrierPerformanceStaleTable {
  id: Generated<string>;
  merchant_id: string;
  day: ColumnType<string, string, string>;
}

/** A merchant's account with a tracking provider (migration 2026-12-07T1250); credentials only sealed. */
export interface CarrierAccountsTable {
  merchant_id: string;
  provider: string;
  credentials_sealed: string;
  key_id: string;
  hint: string;
  quota: Json<Record<string, unknown>> | null;
  quota_checked_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database {
  carrier_accounts: CarrierAccountsTable;
  merchants: MerchantsTable;
  buyer_contacts: BuyerContactsTable;
  buyers: BuyersTable;
  buyer_spend: BuyerSpendTable;
  buyer_orders: BuyerOrdersTable;
  shipments: ShipmentsTable;
  detection_schedule: DetectionScheduleTable;
  tracking_snapshots: TrackingSnapshotsTable;
  checkpoints: CheckpointsTable;
  exceptions: ExceptionsTable;
  delays: DelaysTable;
  compensations: CompensationsTable;
  compensation_refusals: CompensationRefusalsTable;
  detection_overrides: DetectionOverridesTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  proofs: ProofsTable;
  outbox: OutboxTable;
  processed_messages: ProcessedMessagesTable;
  dead_letters: DeadLettersTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  webhook_receipts: WebhookReceiptsTable;
  // Merchant webhooks (issue 6).
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  // issue 6 archiver
  // issue 7 carrier performance rollup
  carrier_performance_daily: CarrierPerformanceDailyTable;
  carrier_performance_stale: CarrierPerformanceStaleTable;
  carrier_performance_cumulative: CarrierPerformanceCumulativeTable;
  carrier_performance_transit: CarrierPerformanceTransitTable;
  tracking_links: TrackingLinksTable;
  buyer_page_contacts: BuyerPageContactsTable;
  wismo_answers: WismoAnswersTable;
}

/** The buyer's tracking page link of a shipment (migration 2026-12-08T0300); `token` sealed or clear. */
export interface TrackingLinksTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  token_hash: string;
  token: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export type BuyerContactCategory = 'where_is_my_parcel' | 'delivery_problem' | 'damaged' | 'customs' | 'address_change' | 'other';

/** A buyer's "contact the seller" message from the tracking page; message and reply address are PII. */
export interface BuyerPageContactsTable {
  id: string;
  shipment_id: string;
  merchant_id: string;
  carrier: string;
  category: BuyerContactCategory;
  message: string;
  reply_email: string | null;
  locale: string;
  created_at: Timestamp;
}

/** One answer of the WISMO api (migration 2026-12-08T0310): never the factors asked with. */
export interface WismoAnswersTable {
  id: string;
  merchant_id: string;
  api_key_id: string;
  asked_by: 'order_email' | 'order_postcode' | 'tracking_number';
  outcome: 'answered' | 'not_found';
  shipment_id: string | null;
  status: string | null;
  locale: string;
  answered_at: Timestamp;
}

export type Shipment = Selectable<ShipmentsTable>;
export type NewShipment = Insertable<ShipmentsTable>;
export type ShipmentUpdate = Updateable<ShipmentsTable>;
export type Checkpoint = Selectable<CheckpointsTable>;
export type NewCheckpoint = Insertable<CheckpointsTable>;
export type TrackingSnapshot = Selectable<TrackingSnapshotsTable>;
export type NewTrackingSnapshot = Insertable<TrackingSnapshotsTable>;
export type ShipmentException = Selectable<ExceptionsTable>;
export type Compensation = Selectable<CompensationsTable>;
export type Notification = Selectable<NotificationsTable>;
export type Proof = Selectable<ProofsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type Merchant = Selectable<MerchantsTable>;
export type BuyerContact = Selectable<BuyerContactsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type NewShipmentException = Insertable<ExceptionsTable>;
export type ShipmentExceptionUpdate = Updateable<ExceptionsTable>;
export type Delay = Selectable<DelaysTable>;
export type NewDelay = Insertable<DelaysTable>;
export type NewCompensation = Insertable<CompensationsTable>;
export type CompensationUpdate = Updateable<CompensationsTable>;
export type NewNotification = Insertable<NotificationsTable>;
export type NotificationUpdate = Updateable<NotificationsTable>;
export type NotificationAttempt = Selectable<NotificationAttemptsTable>;
export type NewProof = Insertable<ProofsTable>;
export type DetectionOverride = Selectable<DetectionOverridesTable>;
export type NewApiKey = Insertable<ApiKeysTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;

// --- Merchant webhooks (issue 6) ---

export type WebhookEndpointStatus = 'enabled' | 'disabled' | 'deleted';
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookEndpointsTable {
  id: string;
  merchant_id: string;
  url: string;
  secret: string;
  /** Null: every event type. */
  event_types: string[] | null;
  status: Generated<WebhookEndpointStatus>;
  consecutive_failures: Generated<number>;
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WebhookDeliveriesTable {
  id: string;
  seq: Generated<number>;
  endpoint_id: string;
  merchant_id: string;
  shipment_id: string;
  source_event_id: string;
  event_type: string;
  occurred_at: Timestamp;
  /** The exact JSON bytes sent (text, so retries and replays hash the same). */
  body: string;
  body_sha256: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  provider_message_id: string | null;
  delivered_at: Timestamp | null;
  replay_of: string | null;
  created_at: CreatedAt;
}

export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type NewWebhookEndpoint = Insertable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveriesTable>;
// issue 6 archiver
