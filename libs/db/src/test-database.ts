/**
 * Isolation for integration tests: each test gets its own Postgres schema, migrated
 * from scratch, and drops it afterwards. Shared tables are never truncated.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPrisma, type PrismaClient } from './client.js';
import { migrate } from './migrate.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations');

export interface IsolatedDatabase {
  url: string;
  schema: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

export async function createIsolatedDatabase(url: string, label = 't'): Promise<IsolatedDatabase> {
  const schema = `${label}_${randomBytes(6).toString('hex')}`;
  await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, schema });
  const prisma = createPrisma({ url, poolSize: 4, schema });
  return {
    url,
    schema,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
