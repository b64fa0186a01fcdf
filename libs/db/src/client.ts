/**
 * The Prisma client, running through the `pg` driver adapter (no engine binary).
 * One client per process; its pg pool is sized by DATABASE_POOL_SIZE.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export { PrismaClient, Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/client.js';

export interface CreatePrismaOptions {
  url: string;
  poolSize?: number;
  /** Postgres schema to use (integration tests isolate themselves in their own). */
  schema?: string;
}

export function createPrisma({ url, poolSize = 10, schema }: CreatePrismaOptions): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 },
    schema ? { schema } : undefined,
  );
  return new PrismaClient({ adapter });
}

/** Milliseconds one `SELECT 1` round trip takes. */
export async function pingPostgres(prisma: PrismaClient): Promise<number> {
  const started = performance.now();
  await prisma.$queryRaw`SELECT 1`;
  return performance.now() - started;
}
