import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Server configuration from the environment, validated once at start-up. A wrong value stops the
 * server with a message naming the variable, instead of failing later on the first request.
 */

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => v === '' || /^postgres(ql)?:\/\/.+/.test(v), {
      message: 'must be empty (embedded SQLite) or a postgres:// URL',
    })
    .optional(),
  /** Seed demo squads, users and records into an empty database at start-up. */
  DEMO_SEED: z.enum(['0', '1', 'true', 'false', '']).optional(),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('demo1234'),
  /** First start without demo data: the administrator's password (else one is generated and printed). */
  ADMIN_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** How many demo records to generate (tests use a few; the demo 320). */
  DEMO_RECORDS: z.coerce.number().int().min(0).max(100_000).default(320),
  /** Public base URL printed in QR codes, e.g. https://patrolbook.example.gov.cn */
  PUBLIC_URL: z
    .string()
    .url('must be an absolute URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Evidence upload limit in bytes. */
  MAX_BLOB_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(15 * 1024 * 1024),
  /**
   * 0: ingest stores each record of a push in its own savepoint instead of batching the inserts
   * per table (ADR 0019); the slower path the batched one falls back on, kept selectable so the
   * two can be compared on real servers.
   */
  INGEST_BATCHED: z.enum(['0', '1']).default('1'),
  /** Results to the platform's webhooks: how often the outbox is looked at (ms). */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
  /** The first retry's wait after a failed delivery (ms); it doubles each time up to the max. */
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  /** A delivery not answered within this is a failure (ms). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Session lifetime in hours. */
  SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 30),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  db: 'sqlite' | 'postgres';
  demoSeed: boolean;
  demoPassword: string;
  demoRecords: number;
  adminPassword: string | null;
  publicUrl: string | null;
  maxBlobBytes: number;
  sessionHours: number;
  ingestBatched: boolean;
  webhooks: { pollMs: number; backoffMs: number; maxBackoffMs: number; timeoutMs: number };
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (i) => `${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`,
      ),
    );
  }
  const e = result.data;
  const databaseUrl = e.DATABASE_URL ? e.DATABASE_URL : null;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl,
    db: databaseUrl ? 'postgres' : 'sqlite',
    demoSeed: e.DEMO_SEED === '1' || e.DEMO_SEED === 'true',
    demoPassword: e.DEMO_PASSWORD,
    demoRecords: e.DEMO_RECORDS,
    adminPassword: e.ADMIN_PASSWORD ?? null,
    publicUrl: e.PUBLIC_URL ?? null,
    maxBlobBytes: e.MAX_BLOB_BYTES,
    sessionHours: e.SESSION_HOURS,
    ingestBatched: e.INGEST_BATCHED === '1',
    webhooks: {
      pollMs: e.WEBHOOK_POLL_MS,
      backoffMs: e.WEBHOOK_BACKOFF_MS,
      maxBackoffMs: Math.max(e.WEBHOOK_BACKOFF_MS, e.WEBHOOK_BACKOFF_MAX_MS),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
  };
}

let current: Config | null = null;

export function config(): Config {
  current ??= parseConfig(process.env);
  return current;
}
