import type { TicketStatus } from '../domain/ticket-workflow.ts';
import type { VisitStatus } from '../domain/visit-workflow.ts';
export type { TicketStatus, VisitStatus };
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/** A timestamptz: written as a Date, read as a Date. */
type Timestamp = ColumnType<Date, Date, Date>;
/** A date column: read and written as 'YYYY-MM-DD' (parsed as text, never as a local Date). */
type DateOnly = ColumnType<string, string, string>;

export type Role = 'admin' | 'manager' | 'agent' | 'technician' | 'analyst' | 'integration' | 'qa';

export interface ApiKeysTable {
  id: string;
  name: string;
  role: Role;
  technician_id: string | null;
  prefix: string;
  secret_hash: Buffer;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** One factor's part of a stored churn score (domain/churn-score.ts computes them; its FactorScore must stay assignable to this). */
export interface StoredFactorScore {
  factor: string;
  value: number | null;
  normalized: number;
  weight: number;
  contribution: number;
  rule: string;
}

export interface ChurnRisk {
  score: number;
  level: 'low' | 'medium' | 'high';
  factors: StoredFactorScore[];
  scored_at: string;
}

export interface CustomersTable {
  id: string;
  external_ref: string | null;
  name: string;
  kind: 'person' | 'company';
  phone: string | null;
  email: string | null;
  region: string | null;
  address: string | null;
  tier: Generated<'vip' | 'key' | 'standard'>;
  tags: Generated<string[]>;
  status: Generated<'active' | 'at_risk' | 'lost' | 'erased'>;
  churn_risk: ChurnRisk | null;
  churn_risk_level: ColumnType<string | null, never, never>;
  search_grams: ColumnType<string[], never, never>;
  erased_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ProofOfPurchase {
  kind: 'invoice' | 'receipt' | 'order';
  reference: string;
  issued_on: string;
}

export interface AssetsTable {
  id: string;
  customer_id: string;
  product_model: string;
  category: string;
  serial_number: string | null;
  purchased_on: DateOnly | null;
  proof_of_purchase: ColumnType<ProofOfPurchase | null, string | null, string | null>;
  warranty_until: DateOnly | null;
  installed_on: DateOnly | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AuditLogTable {
  id: string;
  occurred_at: Timestamp;
  actor_kind: 'api_key' | 'system';
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string;
  fields: string[];
  request_id: string | null;
}

export interface IdempotencyKeysTable {
  api_key_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  locked_until: Timestamp | null;
  response_status: number | null;
  response_body: string | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface JobRunsTable {
  id: string;
  job_name: string;
  tick: Timestamp;
  trigger: 'schedule' | 'manual';
  instance: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: 'running' | 'succeeded' | 'failed';
  counts: ColumnType<Record<string, number>, string, string>;
  error: string | null;
}

export interface TechniciansTable {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  tier: number;
  regions: Generated<string[]>;
  skills: Generated<string[]>;
  max_open_tickets: number;
  open_tickets: Generated<number>;
  active: Generated<boolean>;
  calendar_id: string | null;
  travel_buffer_minutes: Generated<number>;
  last_assigned_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export type TicketType = 'inquiry' | 'repair' | 'installation' | 'maintenance' | 'replacement' | 'return' | 'complaint' | 'care';
export type TicketChannel = 'phone' | 'email' | 'web' | 'app' | 'chat' | 'on_site';
export type TicketPriority = 'urgent' | 'high' | 'normal' | 'low';
type Json<T> = ColumnType<T, string | null, string | null>;

type ActorJson = { kind: 'api_key' | 'system'; id: string | null; role: string };
export interface Assignment {
  technician_id: string;
  reason: string;
  assigned_at: string;
  by: ActorJson;
}
/** The JSON kept on a resolved ticket (the commands write it; tickets.schemas.ts documents it). */
export interface ResolutionJson {
  method: 'remote_advice' | 'repair' | 'replacement' | 'software_update' | 'refund' | 'no_fault_found';
  summary: string;
  root_cause: string | null;
  charges: { currency: string; items: { kind: 'labour' | 'parts' | 'visit' | 'other'; description: string; amount: number }[]; total: number } | null;
}
export interface WarrantyDecisionJson {
  result: 'in_warranty' | 'out_of_warranty' | 'misuse';
  chargeable: boolean;
  overridden: boolean;
  reasons: string[];
}
export interface FollowUpJson {
  outcome: 'satisfied' | 'not_satisfied' | 'unreachable';
  note: string | null;
  at: string;
  by: ActorJson;
}

export interface TicketsTable {
  id: string;
  number: string;
  customer_id: string;
  asset_id: string | null;
  type: TicketType;
  channel: TicketChannel;
  priority: TicketPriority;
  category: string;
  subject: string;
  description: string;
  external_ref: string | null;
  region: string | null;
  reported_at: Timestamp;
  status: Generated<TicketStatus>;
  tier: Generated<number>;
  technician_id: string | null;
  assignment: Json<Assignment | null>;
  hold_reason: 'waiting_customer' | 'waiting_parts' | null;
  complaint_major: Generated<boolean>;
  linked_ticket_id: string | null;
  first_responded_at: Timestamp | null;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  resolution: Json<ResolutionJson | null>;
  warranty_decision: Json<WarrantyDecisionJson | null>;
  follow_up: Json<FollowUpJson | null>;
  reopen_count: Generated<number>;
  search: ColumnType<string, never, never>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface TicketTimelineTable {
  id: string;
  ticket_id: string;
  at: Timestamp;
  entry: 'note' | 'action' | 'assignment' | 'decision' | 'sla' | 'visit' | 'survey';
  action: string | null;
  note_kind: 'comment' | 'call' | 'email' | 'sms' | 'chat' | null;
  visibility: 'internal' | 'customer' | null;
  body: string | null;
  data: Json<Record<string, unknown>>;
  actor_kind: 'api_key' | 'system';
  actor_id: string | null;
  actor_role: string | null;
}

export interface EventsTable {
  id: string;
  position: ColumnType<number | null, never, number>;
  seq: ColumnType<number, never, never>;
  xid: ColumnType<string, never, never>;
  type: string;
  occurred_at: Timestamp;
  actor: Json<{ kind: 'api_key' | 'system'; id: string | null; role: string }>;
  resource_type: string;
  resource_id: string;
  data: Json<Record<string, unknown>>;
  /** What only the event's intended receiver may see (a survey's token): never in the feed. */
  private_data: Json<Record<string, unknown> | null>;
}

export interface CalendarsTable {
  id: string;
  name: string;
  timezone: string;
  hours: Json<Record<string, [string, string][]>>;
  holidays: Generated<string[]>;
  workdays: Generated<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface SlaPoliciesTable {
  id: string;
  name: string;
  position: number;
  match: Json<{ types?: string[]; priorities?: string[]; customer_tiers?: string[]; channels?: string[] }>;
  targets: Json<{ first_response: number; resolution: number; follow_up: number; periodic_update?: number | null }>;
  calendar_id: string;
  warn_at_percent: Generated<number>;
  pause_on: Generated<string[]>;
  on_breach: Json<{ escalate?: boolean; raise_priority?: boolean }>;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface TicketSlaTable {
  ticket_id: string;
  metric: 'first_response' | 'resolution' | 'follow_up' | 'periodic_update';
  policy_id: string;
  target_minutes: number;
  started_at: Timestamp;
  due_at: Timestamp | null;
  warn_at: Timestamp | null;
  completed_at: Timestamp | null;
  paused: boolean;
  state: 'running' | 'paused' | 'met' | 'warning' | 'breached';
  warned_at: Timestamp | null;
  breached_at: Timestamp | null;
  /** A stopped clock's business minutes run (pauses excluded); null while it runs. */
  business_minutes: number | null;
}

export type SlaMetric = TicketSlaTable['metric'];

/** A ticket's clock fold (domain/sla-clock-fold.ts), with what it is valid for. */
export interface TicketClockFoldsTable {
  ticket_id: string;
  /** The policy and calendar (each with its version) and reported_at it was folded under. */
  basis: string;
  /** The ticket's version when it was stored. */
  version: number;
  fold: Json<unknown>;
}

export interface SlaBreachesTable {
  id: string;
  ticket_id: string;
  metric: SlaMetric;
  kind: 'warning' | 'breach';
  /** When the clock crossed the line: its warning time or its due time. */
  at: Timestamp;
  recorded_at: Timestamp;
  policy_id: string;
  target_minutes: number;
  customer_id: string;
  technician_id: string | null;
  priority: string;
  tier: number;
  actions: Json<string[]>;
}

export interface SurveysTable {
  id: string;
  ticket_id: string;
  customer_id: string;
  technician_id: string | null;
  status: 'open' | 'answered' | 'expired';
  trigger: 'resolved' | 'manual';
  token_hash: Buffer;
  created_at: Timestamp;
  expires_at: Timestamp;
  answered_at: Timestamp | null;
  csat: number | null;
  nps: number | null;
  dimensions: Json<Record<string, number> | null>;
  comment: string | null;
  recovery_ticket_id: string | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface SurveyRequestsTable {
  ticket_id: string;
  due_at: Timestamp;
}

export interface FollowUpRemindersTable {
  ticket_id: string;
  due_at: Timestamp;
  sent_at: Timestamp;
}

export interface ChurnModelTable {
  id: number;
  window_days: number;
  weights: Json<Record<string, number>>;
  thresholds: Json<{ medium: number; high: number; lost_after_days: number }>;
  updated_at: Timestamp;
  version: Generated<number>;
  /** When the last churn scan ran, and under which model version. */
  scanned_at: Timestamp | null;
  scanned_version: number | null;
}

/** When each customer must be scored again if nothing happens to it (null: never by time alone). */
export interface ChurnScheduleTable {
  customer_id: string;
  due_at: Timestamp | null;
}

export interface ChurnScoresTable {
  id: string;
  customer_id: string;
  scored_at: Timestamp;
  score: number;
  level: 'low' | 'medium' | 'high';
  factors: Json<unknown[]>;
}

export interface SlaRecomputeTable {
  id: number;
  requested_at: Timestamp | null;
  done_at: Timestamp | null;
}

/** Keys the service signs with (the cursor HMAC key), shared by every instance. */
export interface ServerSecretsTable {
  name: string;
  secret: Buffer;
  created_at: Generated<Date>;
}

/** Spare parts; stock changes only with a row of part_movements. */
export interface PartsTable {
  id: string;
  sku: string;
  name: string;
  category: string | null;
  unit_price: number;
  currency: string;
  stock: number;
  reorder_level: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  version: Generated<number>;
}

/** The append-only stock ledger: a part's stock is the sum of its movements. */
export interface PartMovementsTable {
  id: string;
  part_id: string;
  kind: 'opening' | 'received' | 'adjusted' | 'returned' | 'consumed';
  quantity: number;
  stock_after: number;
  reason: string | null;
  occurred_at: Date;
  actor_kind: 'api_key' | 'system';
  actor_id: string | null;
  actor_role: string | null;
  request_id: string | null;
  visit_id: string | null;
}

export interface PlannedPart {
  part_id: string;
  quantity: number;
}

/** A field visit (上门服务); the slot it holds is [window_start, holds_until). */
export interface VisitsTable {
  id: string;
  ticket_id: string;
  customer_id: string;
  technician_id: string;
  status: Generated<VisitStatus>;
  window_start: Timestamp;
  window_end: Timestamp;
  buffer_minutes: number;
  holds_until: Timestamp;
  outside_hours: boolean;
  outside_hours_reason: string | null;
  planned_parts: Json<PlannedPart[]>;
  notes: string | null;
  checked_in_at: Timestamp | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
  no_show_at: Timestamp | null;
  reminder_sent_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** The signed repair record of a completed visit: written once, never changed. */
export interface VisitRecordsTable {
  visit_id: string;
  ticket_id: string;
  record: Json<Record<string, unknown>>;
  sha256: string;
  created_at: Timestamp;
}

export interface WebhooksTable {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: Generated<boolean>;
  secret_enc: Buffer;
  previous_secret_enc: Buffer | null;
  previous_secret_expires_at: Timestamp | null;
  outbox_position: number;
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
  last_success_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'dead';
/** One POST of one event (or a ping) to one webhook, and what came of it. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string | null;
  event_position: number;
  event_type: string;
  resource_type: string;
  resource_id: string;
  kind: 'event' | 'replay' | 'ping' | 'retry';
  payload: Json<Record<string, unknown> | null>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  give_up_at: Timestamp;
  last_attempt_at: Timestamp | null;
  last_status: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  response_excerpt: string | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A scorecard criterion: its key, the name reviewers see, and its weight (weights sum to 100). */
export interface QaCriterion {
  key: string;
  name: string;
  weight: number;
  description: string | null;
}

export interface QaScorecardsTable {
  id: string;
  name: string;
  criteria: ColumnType<QaCriterion[], string, never>;
  pass_score: ColumnType<string, number, never>;
  sample_percent: ColumnType<string, number, never>;
  min_per_technician: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface QaReviewsTable {
  id: string;
  ticket_id: string;
  technician_id: string;
  scorecard_id: string;
  week_start: DateOnly;
  state: 'pending' | 'done';
  scores: ColumnType<Record<string, number> | null, string | null, string | null>;
  score: ColumnType<string | null, number | null, number | null>;
  passed: boolean | null;
  comment: string | null;
  coaching_note: string | null;
  reviewer_id: string | null;
  reviewed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface QaSamplingTable {
  id: number;
  open_week: DateOnly | null;
}

export interface ArticlesTable {
  id: string;
  title: string;
  body: string;
  product_category: string | null;
  symptoms: string[];
  fix_steps: string[];
  tags: string[];
  status: 'draft' | 'published';
  published_at: Timestamp | null;
  solved_count: Generated<number>;
  last_solved_at: Timestamp | null;
  search_grams: ColumnType<string[], never, never>;
  match_terms: ColumnType<string[], never, never>;
  title_terms: ColumnType<string[], never, never>;
  symptom_terms: ColumnType<string[][], never, never>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface TicketArticlesTable {
  ticket_id: string;
  article_id: string;
  linked_at: Timestamp;
}

export interface DB {
  qa_scorecards: QaScorecardsTable;
  qa_reviews: QaReviewsTable;
  qa_sampling: QaSamplingTable;
  articles: ArticlesTable;
  ticket_articles: TicketArticlesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  visits: VisitsTable;
  visit_records: VisitRecordsTable;
  parts: PartsTable;
  part_movements: PartMovementsTable;
  server_secrets: ServerSecretsTable;
  sla_recompute: SlaRecomputeTable;
  surveys: SurveysTable;
  survey_requests: SurveyRequestsTable;
  follow_up_reminders: FollowUpRemindersTable;
  churn_model: ChurnModelTable;
  churn_schedule: ChurnScheduleTable;
  churn_scores: ChurnScoresTable;
  ticket_sla: TicketSlaTable;
  ticket_clock_folds: TicketClockFoldsTable;
  sla_breaches: SlaBreachesTable;
  calendars: CalendarsTable;
  sla_policies: SlaPoliciesTable;
  tickets: TicketsTable;
  ticket_timeline: TicketTimelineTable;
  events: EventsTable;
  technicians: TechniciansTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  assets: AssetsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  job_runs: JobRunsTable;
}

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
