import type { Generated } from 'kysely';
import type {
  ConfirmationPart,
  ConfirmationState,
  FollowUpState,
  ReviewState,
} from '$lib/domain/lifecycle';
import type { TaskSource, TaskState } from '$lib/domain/tasks';

/**
 * Tables, identical on SQLite and PostgreSQL. Instants are ISO-8601 UTC text (they sort as text
 * on both), Shanghai calendar dates are `YYYY-MM-DD` text, booleans are 0/1 integers and JSON is
 * text: one representation, so one query layer serves both databases.
 */

type Text = string;
type Int = number;
type Bool = 0 | 1;

export type Database = {
  bureaus: { id: Text; name: Text; short_name: Text; created_at: Text };
  squads: {
    id: Text;
    bureau_id: Text;
    name: Text;
    district: Text;
    active: Bool;
    created_at: Text;
    /** JSON `Street[]` (domain/streets.ts); `[]` by default. */
    streets: Generated<Text>;
  };
  users: {
    id: Text;
    username: Text;
    password_hash: Text;
    role: 'officer' | 'supervisor' | 'admin';
    real_name: Text;
    certificate_no: Text | null;
    squad_id: Text | null;
    phone: Text | null;
    active: Bool;
    created_at: Text;
    updated_at: Text;
    /** When the account was last deactivated (null while active). */
    deactivated_at: Generated<Text | null>;
  };
  device_wipes: {
    device_id: Text;
    user_id: Text;
    reason: 'deactivated' | 'lost';
    ordered_at: Text;
    ordered_by: Text | null;
    wiped_at: Text | null;
    records_sent: Int | null;
  };
  device_keys: { device_id: Text; user_id: Text; sealed_key: Text; updated_at: Text };
  ledger_former: { record_id: Text; party_key: Text };
  /** Systems that send tasks (the city platform), each with its own key (SHA-256 hex). */
  api_systems: {
    id: Text;
    bureau_id: Text;
    name: Text;
    key_hash: Text;
    created_at: Text;
    created_by: Text | null;
    revoked_at: Text | null;
    /** Where results are posted (null: the platform polls for them). */
    webhook_url: Generated<Text | null>;
    /** The HMAC-SHA256 key results are signed with (shown once to the administrator). */
    webhook_secret: Generated<Text | null>;
  };
  tasks: {
    id: Text;
    system_id: Text;
    bureau_id: Text;
    case_id: Text;
    source: TaskSource;
    state: TaskState;
    address: Text;
    latitude: number | null;
    longitude: number | null;
    description: Text;
    suspected_item: Text | null;
    reported_at: Text | null;
    received_at: Text;
    due_at: Text;
    /** SHA-256 of the request as received (photos by hash): a replay is told from a conflict. */
    content_hash: Text;
    squad_id: Generated<Text | null>;
    officer1_id: Generated<Text | null>;
    officer2_id: Generated<Text | null>;
    assigned_at: Generated<Text | null>;
    assigned_by: Generated<Text | null>;
    closed_at: Generated<Text | null>;
    closed_by: Generated<Text | null>;
    close_reason: Generated<Text | null>;
    /** The record that handled the task. */
    record_id: Generated<Text | null>;
    /** The photo attached when the task was closed as unfounded (SHA-256 in the evidence store). */
    close_photo: Generated<Text | null>;
    close_photo_mime: Generated<Text | null>;
  };
  /**
   * The outbox of results for the platform: one per closed task, its body fixed when made (the
   * same bytes on every attempt; `id` is the idempotency key), and `seq` the pull feed's order.
   */
  task_results: {
    seq: Int;
    id: Text;
    system_id: Text;
    task_id: Text;
    body: Text;
    created_at: Text;
    /** When the webhook is next tried (null: no webhook, or delivered). */
    next_attempt_at: Text | null;
    /** A delivery in flight until then: another process (or this one after a restart) waits. */
    lease_until: Generated<Text | null>;
    attempts: Generated<Int>;
    last_error: Generated<Text | null>;
    last_attempt_at: Generated<Text | null>;
    delivered_at: Generated<Text | null>;
    delivered_via: Generated<'webhook' | 'pull' | null>;
  };
  /** A draw of a month's approved records for review (督查抽查), with all that redoes it. */
  spot_checks: {
    id: Text;
    bureau_id: Text;
    month: Text;
    squad_id: Text | null;
    item_code: Text | null;
    branch: Text | null;
    /** JSON: the squads the drawer could see (null: all), part of what makes the population. */
    scope: Text;
    size: Int;
    population: Int;
    /** SHA-256 of the population's record ids, sorted, one per line. */
    population_hash: Text;
    seed: Text;
    rule: Text;
    /** The how-manieth draw of this month, filters and scope (a redraw is never silent). */
    ordinal: Int;
    drawn_at: Text;
    drawn_by: Text;
  };
  spot_check_items: {
    check_id: Text;
    position: Int;
    record_id: Text;
    reviewed_at: Generated<Text | null>;
    reviewed_by: Generated<Text | null>;
    /** JSON of the checklist's answers (every item, holds or not). */
    answers: Generated<Text | null>;
    finding: Generated<Bool | null>;
    note: Generated<Text | null>;
  };
  task_photos: { task_id: Text; position: Int; sha256: Text; mime: Text; size: Int };
  supervisor_squads: { user_id: Text; squad_id: Text };
  officer_confirmations: {
    record_id: Text;
    part: ConfirmationPart;
    user_id: Text;
    state: ConfirmationState;
    reason: Generated<Text>;
    requested_at: Text;
    /** Who sent the version that named the officer (null: a console import). */
    requested_by: Text | null;
    decided_at: Text | null;
    decided_device: Text | null;
  };
  sessions: {
    id: Text;
    user_id: Text;
    device_id: Text | null;
    created_at: Text;
    expires_at: Text;
    last_seen_at: Text;
    revoked_at: Text | null;
  };
  login_attempts: {
    id: Generated<Int>;
    username: Text;
    ip: Text;
    at: Text;
    success: Bool;
    device_id: Text | null;
    refused: Generated<Bool>;
  };
  devices: {
    id: Text;
    user_id: Text;
    registered_at: Text;
    last_seen_at: Text;
    user_agent: Text | null;
  };
  counters: { name: Text; value: Int };
  catalog_versions: {
    version_id: Text;
    bureau_id: Text;
    effective_from: Text;
    body: Text;
    published_at: Text;
    published_by: Text | null;
  };
  blobs: {
    sha256: Text;
    size: Int;
    mime: Text;
    created_at: Text;
    uploaded_by: Text | null;
  };
  blob_uploads: { sha256: Text; user_id: Text };
  records: {
    id: Text;
    latest_version: Int;
    squad_id: Text;
    officer1_id: Text;
    officer2_id: Text;
    item_code: Text;
    catalog_version: Text;
    branch: Text | null;
    review_state: ReviewState;
    follow_up: FollowUpState;
    found_at: Text;
    found_date: Text;
    party_kind: Text;
    party_name: Text;
    party_keys: Text;
    address: Text;
    search: Text;
    flagged: Bool;
    reinspection_due: Text | null;
    device_id: Text;
    created_at: Text;
    first_received_at: Text;
    updated_at: Text;
    correction_mode: Text | null;
    deadline: Text | null;
    reinspected_at: Text | null;
    repeat_offence: Generated<Bool>;
    broken_commitment: Generated<Bool>;
    /** JSON of the party with identifiers masked (what lists show). */
    party_masked: Text | null;
  };
  record_versions: {
    record_id: Text;
    version: Int;
    content_hash: Text;
    body: Text;
    device_id: Text;
    pushed_by: Text;
    received_at: Text;
    flags: Text;
  };
  blob_refs: { sha256: Text; record_id: Text };
  ledger: {
    record_id: Text;
    party_key: Text;
    item_code: Text;
    found_date: Text;
    squad_id: Text;
    district: Text;
    branch: Text | null;
  };
  reviews: {
    id: Text;
    record_id: Text;
    version: Int;
    reviewer_id: Text;
    action: 'approve' | 'return' | 'escalate';
    comment: Text;
    checklist: Text;
    created_at: Text;
  };
  changes: {
    seq: Int;
    kind:
      | 'review'
      | 'catalog'
      | 'ledger'
      | 'numberBlock'
      | 'numberAssigned'
      | 'confirmation'
      | 'flags'
      | 'task';
    user_id: Text | null;
    district: Text | null;
    broadcast: Bool;
    payload: Text;
    created_at: Text;
  };
  number_formats: {
    bureau_id: Text;
    doc_type: Text;
    template: Text;
    prefix: Text;
    word: Text;
    width: Int;
  };
  number_blocks: {
    id: Text;
    bureau_id: Text;
    device_id: Text;
    user_id: Text;
    doc_type: Text;
    year: Int;
    first: Int;
    last: Int;
    format: Text;
    created_at: Text;
  };
  provisional_numbers: {
    record_id: Text;
    document_id: Text;
    doc_type: Text;
    provisional: Text;
    assigned: Text;
    assigned_at: Text;
  };
  documents: {
    doc_id: Text;
    record_id: Text;
    doc_type: Text;
    number: Text;
    first_version: Int;
    provisional: Bool;
  };
  quarantine: {
    id: Text;
    payload_hash: Text;
    record_id: Text | null;
    version: Int | null;
    content_hash: Text | null;
    squad_id: Text | null;
    device_id: Text;
    user_id: Text | null;
    status: 'rejected' | 'conflict' | 'error';
    code: Text | null;
    message: Text;
    issues: Text;
    payload: Text;
    received_at: Text;
    last_seen_at: Text;
    attempts: Int;
    resolution: 'superseded' | 'resolved' | null;
    resolved_at: Text | null;
    resolved_by: Text | null;
    resolution_note: Text | null;
    superseded_by_version: Int | null;
  };
  secrets: { name: Text; value: Text; created_at: Text };
  quarantine_documents: { doc_id: Text; quarantine_id: Text; doc_type: Text; number: Text };
  audit_log: {
    id: Generated<Int>;
    at: Text;
    user_id: Text | null;
    action: Text;
    target: Text | null;
    detail: Text;
    ip: Text | null;
  };
};
