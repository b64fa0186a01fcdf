/**
 * The Prisma client, running through the `pg` driver adapter (no engine binary).
 * One client per process; its pg pool is sized by DATABASE_POOL_SIZE. Secret columns
 * (password, key and session hashes) are omitted from every result unless a query asks
 * for them with `omit: { passwordHash: false }`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as GeneratedPrismaClient } from './generated/prisma/client.js';

export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/client.js';

export interface CreatePrismaOptions {
  url: string;
  poolSize?: number;
  /** Postgres schema to use (integration tests isolate themselves in their own). */
  schema?: string;
}

export const SECRET_COLUMNS = {
  user: { passwordHash: true },
  apiKey: { secretHash: true },
  session: { tokenHash: true },
} as const;

export function createPrisma({ url, poolSize = 10, schema }: CreatePrismaOptions) {
  const adapter = new PrismaPg(
    {
      connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000,
      // The adapter's `schema` qualifies Prisma's own queries; raw SQL needs the search_path too.
      ...(schema ? { options: `-c search_path=${schema},public` } : {}),
    },
    schema ? { schema } : undefined,
  );
  return new GeneratedPrismaClient({ adapter, omit: SECRET_COLUMNS });
}

/** The platform's Prisma client type (secret columns omitted by default). */
export type PrismaClient = ReturnType<typeof createPrisma>;

/** Milliseconds one `SELECT 1` round trip takes. */
export async function pingPostgres(prisma: PrismaClient): Promise<number> {
  const started = performance.now();
  await prisma.$queryRaw`SELECT 1`;
  return performance.now() - started;
}
