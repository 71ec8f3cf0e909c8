import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../db';

/** The initial schema. Migrations are only ever added, never edited once released. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const serial = dialect === 'postgres' ? 'serial' : 'integer';
  const autoPk = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('bureaus')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('short_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('squads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bureau_id', 'text', (c) => c.notNull().references('bureaus.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('officer','supervisor','admin')`),
    )
    .addColumn('real_name', 'text', (c) => c.notNull())
    .addColumn('certificate_no', 'text', (c) => c.unique())
    .addColumn('squad_id', 'text', (c) => c.references('squads.id'))
    .addColumn('phone', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('supervisor_squads')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('squad_id', 'text', (c) => c.notNull().references('squads.id'))
    .addPrimaryKeyConstraint('supervisor_squads_pk', ['user_id', 'squad_id'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('device_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', serial, autoPk)
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_attempts_user')
    .on('login_attempts')
    .columns(['username', 'at'])
    .execute();
  await db.schema
    .createIndex('login_attempts_ip')
    .on('login_attempts')
    .columns(['ip', 'at'])
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('catalog_versions')
    .addColumn('version_id', 'text', (c) => c.primaryKey())
    .addColumn('bureau_id', 'text', (c) => c.notNull().references('bureaus.id'))
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text')
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .execute();
  await db.schema
    .createTable('blob_uploads')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('blob_uploads_pk', ['sha256', 'user_id'])
    .execute();

  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('squad_id', 'text', (c) => c.notNull().references('squads.id'))
    .addColumn('officer1_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('officer2_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('item_code', 'text', (c) => c.notNull())
    .addColumn('catalog_version', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('review_state', 'text', (c) => c.notNull())
    .addColumn('follow_up', 'text', (c) => c.notNull())
    .addColumn('found_at', 'text', (c) => c.notNull())
    .addColumn('found_date', 'text', (c) => c.notNull())
    .addColumn('party_kind', 'text', (c) => c.notNull())
    .addColumn('party_name', 'text', (c) => c.notNull())
    .addColumn('party_keys', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('search', 'text', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull())
    .addColumn('reinspection_due', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('first_received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Keyset pagination newest first, alone and within a squad.
  await db.schema.createIndex('records_found').on('records').columns(['found_at', 'id']).execute();
  await db.schema
    .createIndex('records_squad_found')
    .on('records')
    .columns(['squad_id', 'found_at', 'id'])
    .execute();
  await db.schema
    .createIndex('records_officer1')
    .on('records')
    .columns(['officer1_id', 'found_at'])
    .execute();
  await db.schema
    .createIndex('records_officer2')
    .on('records')
    .columns(['officer2_id', 'found_at'])
    .execute();
  await db.schema
    .createIndex('records_reinspection')
    .on('records')
    .columns(['follow_up', 'reinspection_due'])
    .execute();

  await db.schema
    .createTable('record_versions')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('pushed_by', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('flags', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_versions_pk', ['record_id', 'version'])
    .execute();

  await db.schema
    .createTable('blob_refs')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('blob_refs_pk', ['sha256', 'record_id'])
    .execute();

  await db.schema
    .createTable('ledger')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('party_key', 'text', (c) => c.notNull())
    .addColumn('item_code', 'text', (c) => c.notNull())
    .addColumn('found_date', 'text', (c) => c.notNull())
    .addColumn('squad_id', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addPrimaryKeyConstraint('ledger_pk', ['record_id', 'party_key'])
    .execute();
  await db.schema
    .createIndex('ledger_party')
    .on('ledger')
    .columns(['party_key', 'item_code', 'found_date'])
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().references('records.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('reviewer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('checklist', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reviews_record')
    .on('reviews')
    .columns(['record_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('changes')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('district', 'text')
    .addColumn('broadcast', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('changes_user').on('changes').columns(['user_id', 'seq']).execute();
  await db.schema
    .createIndex('changes_district')
    .on('changes')
    .columns(['district', 'seq'])
    .execute();

  await db.schema
    .createTable('number_formats')
    .addColumn('bureau_id', 'text', (c) => c.notNull())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('word', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('number_formats_pk', ['bureau_id', 'doc_type'])
    .execute();
  await db.schema
    .createTable('number_blocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bureau_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('first', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('number_blocks_device')
    .on('number_blocks')
    .columns(['device_id', 'doc_type', 'year'])
    .execute();
  await db.schema
    .createTable('provisional_numbers')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.primaryKey())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('provisional', 'text', (c) => c.notNull())
    .addColumn('assigned', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', serial, autoPk)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  // The audit log is append-only for everyone, administrators included.
  if (dialect === 'postgres') {
    await sql`create function audit_log_immutable() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_immutable()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}
