/**
 * An engine-free migration runner for Prisma's migration layout.
 *
 * Prisma 7's CLI downloads a schema-engine binary for `migrate deploy`, which these
 * machines cannot fetch, so we apply `prisma/migrations/<timestamp>_<name>/migration.sql`
 * ourselves and record them exactly as Prisma does, in `_prisma_migrations`
 * (checksum = sha256 hex of the file), so `prisma migrate status` agrees wherever the
 * engine exists. Guarantees:
 *  - Prisma's advisory lock (key 72707369) serialises concurrent runners, so two
 *    processes starting together apply each migration once;
 *  - each migration and its row commit in one transaction (except files that use
 *    CONCURRENTLY, which Postgres refuses inside a transaction);
 *  - an applied migration whose file changed, or a migration that failed half-way,
 *    stops the run before anything new is applied.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export const checksumOf = (sql: string) => createHash('sha256').update(sql).digest('hex');

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir: string;
  /** Postgres schema to migrate into (created if missing); default: the URL's default. */
  schema?: string;
  log?: (message: string) => void;
}

export async function migrate({ databaseUrl, migrationsDir, schema, log = () => {} }: MigrateOptions): Promise<MigrateResult> {
  const files = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (schema) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
      // `public` stays on the path so extension types (vector) resolve inside the schema.
      await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}, public`);
    }
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
          WHERE rolled_back_at IS NULL ORDER BY started_at`,
      );
      const failed = rows.find((r) => r.finished_at === null);
      if (failed) {
        throw new MigrationError(
          `Migration ${failed.migration_name} started but never finished. Fix the database by hand, then mark it rolled back ` +
            `(UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}').`,
        );
      }
      const byName = new Map(files.map((f) => [f.name, f]));
      const applied = new Set<string>();
      for (const row of rows) {
        applied.add(row.migration_name);
        const file = byName.get(row.migration_name);
        if (!file) {
          log(`warning: migration ${row.migration_name} is applied in the database but missing from ${migrationsDir}`);
        } else if (file.checksum !== row.checksum) {
          throw new MigrationError(
            `Migration ${row.migration_name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the ` +
              `database, ${file.checksum.slice(0, 12)}… on disk). Restore the file and put the change in a new migration.`,
          );
        }
      }
      const pending = files.filter((f) => !applied.has(f.name));
      for (const file of pending) {
        log(`applying ${file.name}`);
        await applyOne(client, file);
      }
      return { applied: pending.map((f) => f.name), alreadyApplied: applied.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  const insert = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
                  VALUES ($1, $2, $3, now(), 0)`;
  const finish = `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`;
  if (/\bCONCURRENTLY\b/i.test(file.sql)) {
    // Cannot run in a transaction: leave the row unfinished until the SQL succeeds,
    // so a crash half-way is reported on the next run instead of silently skipped.
    await client.query(insert, [id, file.checksum, file.name]);
    await client.query(file.sql);
    await client.query(finish, [id]);
    return;
  }
  await client.query('BEGIN');
  try {
    await client.query(insert, [id, file.checksum, file.name]);
    await client.query(file.sql);
    await client.query(finish, [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`Migration ${file.name} failed: ${(error as Error).message}`);
  }
}
