/**
 * `GET /v1/profiles/:id`: downloads a READY profile artifact as the file Chrome DevTools and
 * speedscope open (`profile-<id>.cpuprofile` / `.heapsnapshot`). Platform admins only, with a
 * session cookie (the console's links) or an API key; downloads are audited. The bytes are
 * stored gzip-compressed and sent as they are with `Content-Encoding: gzip` to clients that
 * accept it (browsers and fetch decompress on the fly), decompressed for the others.
 * Mounted behind the edge (authentication, rate limits).
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import express, { type Router } from 'express';
import { isPlatformAdmin, type AuditService, type Principal } from '@aivillage/auth';
import { ErrorCode } from '@aivillage/errors';
import { profileFileName } from '@aivillage/observability';
import type { ProfilingService } from '@aivillage/observability/server';
import { sendError } from './edge-auth.js';

const gunzipAsync = promisify(gunzip);

export function profileRoutes(o: { profiling: ProfilingService; audit: AuditService }): Router {
  const router = express.Router();
  router.get('/:id', async (req, res, next) => {
    try {
      const principal = res.locals.principal as Principal;
      if (!isPlatformAdmin(principal)) return sendError(res, 403, ErrorCode.FORBIDDEN, 'Profiles are for platform admins only');
      const artifact = await o.profiling.download(req.params.id);
      if (!artifact) return sendError(res, 404, ErrorCode.NOT_FOUND, `Profile artifact ${JSON.stringify(req.params.id)} not found`);
      if (artifact.status !== 'READY' || !artifact.data) {
        return sendError(res, 409, ErrorCode.CONFLICT, `Profile artifact ${artifact.id} is ${artifact.status}; only READY artifacts can be downloaded`, { status: artifact.status });
      }
      void o.audit.record({
        actor: principal, action: 'profile.download', outcome: 'success', targetType: 'profile', targetId: String(artifact.id),
        ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null,
      });
      const gz = Buffer.from(artifact.data);
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Disposition', `attachment; filename="${profileFileName(String(artifact.id), artifact.kind)}"`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Vary', 'Accept-Encoding');
      if (artifact.sha256) res.setHeader('ETag', `"${artifact.sha256}"`);
      if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
        res.setHeader('Content-Encoding', 'gzip');
        return void res.end(gz);
      }
      res.end(await gunzipAsync(gz));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
