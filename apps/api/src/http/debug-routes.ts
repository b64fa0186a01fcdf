/**
 * Admin-only diagnostics from the guide's troubleshooting section:
 * `GET /v1/debug/cache-stats` (response cache hit rates per layer) and
 * `GET /v1/debug/db-stats` (pool usage, slowest statements, database counters).
 */
import express, { type Router } from 'express';
import { isPlatformAdmin, type Principal } from '@aivillage/auth';
import type { ResponseCache } from '@aivillage/cache';
import { poolStats, type PrismaClient, type StatementStats } from '@aivillage/db';
import { sendError } from './edge-auth.js';

export function debugRoutes(o: { prisma: PrismaClient; statements: StatementStats; responseCache: ResponseCache }): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    if (!isPlatformAdmin(res.locals.principal as Principal)) return sendError(res, 403, 'FORBIDDEN', 'Platform admins only');
    next();
  });
  router.get('/cache-stats', (_req, res) => {
    res.json(o.responseCache.stats());
  });
  router.get('/db-stats', async (_req, res, next) => {
    try {
      const [db] = await o.prisma.$queryRaw<{ numbackends: number; xact_commit: bigint; xact_rollback: bigint; blks_hit: bigint; blks_read: bigint; deadlocks: bigint }[]>`
        SELECT numbackends, xact_commit, xact_rollback, blks_hit, blks_read, deadlocks
          FROM pg_stat_database WHERE datname = current_database()`;
      const hits = Number(db.blks_hit);
      const reads = Number(db.blks_read);
      res.json({
        pool: poolStats(o.prisma),
        slowestStatements: o.statements.slowest(10),
        database: {
          connections: db.numbackends,
          commits: Number(db.xact_commit),
          rollbacks: Number(db.xact_rollback),
          deadlocks: Number(db.deadlocks),
          cacheHitRatio: hits + reads === 0 ? null : hits / (hits + reads),
        },
      });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
