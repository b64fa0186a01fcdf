/**
 * The Prisma client, running through the `pg` driver adapter (no engine binary).
 * One client per process; its pg pool is sized by DATABASE_POOL_SIZE. Secret columns
 * (password, key and session hashes) are omitted from every result unless a query asks
 * for them with `omit: { passwordHash: false }`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as GeneratedPrismaClient } from './generated/prisma/client.js';

export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/client.js';

export interface CreatePrismaOptions {
  url: string;
  poolSize?: number;
  /** Postgres schema to use (integration tests isolate themselves in their own). */
  schema?: string;
  /** Keep per-statement timings for /v1/debug/db-stats (see StatementStats). */
  statements?: StatementStats;
}

/**
 * Timings per distinct SQL statement (Prisma's are parameterised, so the set stays small;
 * it is capped anyway). What `/v1/debug/db-stats` reports as the slowest statements.
 */
export class StatementStats {
  private readonly byQuery = new Map<string, { calls: number; totalMs: number; maxMs: number }>();
  constructor(private readonly maxStatements = 500) {}

  record(query: string, ms: number): void {
    let s = this.byQuery.get(query);
    if (!s) {
      if (this.byQuery.size >= this.maxStatements) return;
      s = { calls: 0, totalMs: 0, maxMs: 0 };
      this.byQuery.set(query, s);
    }
    s.calls++;
    s.totalMs += ms;
    if (ms > s.maxMs) s.maxMs = ms;
  }

  slowest(n = 10) {
    return [...this.byQuery.entries()]
      .map(([query, s]) => ({ query, calls: s.calls, meanMs: s.totalMs / s.calls, maxMs: s.maxMs, totalMs: s.totalMs }))
      .sort((a, b) => b.meanMs - a.meanMs)
      .slice(0, n);
  }
}

const pools = new WeakMap<object, pg.Pool>();

/** The pg pool behind a client made by createPrisma: size, idle and waiting clients. */
export function poolStats(prisma: object): { total: number; idle: number; waiting: number; max: number } | null {
  const pool = pools.get(prisma);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 0 } : null;
}

/**
 * The pg pool behind a client made by createPrisma (its search_path included), for the few
 * hot paths that need one connection for several statements in one round trip — a
 * multi-statement simple query — which Prisma's raw queries cannot send. Throws for a client
 * made elsewhere (every process makes its client with createPrisma). Callers release what
 * they check out.
 */
export function pgPool(prisma: object): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('pgPool: this Prisma client was not made by createPrisma, so it has no pg pool to share');
  return pool;
}

export const SECRET_COLUMNS = {
  user: { passwordHash: true },
  apiKey: { secretHash: true },
  session: { tokenHash: true },
} as const;

export function createPrisma({ url, poolSize = 10, schema, statements }: CreatePrismaOptions) {
  const pool = new pg.Pool({
    connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000,
    // The adapter's `schema` qualifies Prisma's own queries; raw SQL needs the search_path too.
    ...(schema ? { options: `-c search_path=${schema},public` } : {}),
  });
  const adapter = new PrismaPg(pool, schema ? { schema } : undefined);
  const prisma = new GeneratedPrismaClient({ adapter, omit: SECRET_COLUMNS, log: [{ emit: 'event', level: 'query' }] });
  if (statements) prisma.$on('query', (e) => statements.record(e.query, e.duration));
  pools.set(prisma, pool);
  // The adapter does not end a pool it was handed; $disconnect must, or idle clients keep
  // the process alive for idleTimeoutMillis.
  const disconnect = prisma.$disconnect.bind(prisma);
  let ended: Promise<void> | undefined;
  prisma.$disconnect = async () => {
    await disconnect();
    ended ??= pool.end();
    await ended;
  };
  return prisma;
}

/** The platform's Prisma client type (secret columns omitted by default). */
export type PrismaClient = ReturnType<typeof createPrisma>;

/** Milliseconds one `SELECT 1` round trip takes. */
export async function pingPostgres(prisma: PrismaClient): Promise<number> {
  const started = performance.now();
  await prisma.$queryRaw`SELECT 1`;
  return performance.now() - started;
}
