/**
 * Plain HTTP for the P2P mesh, behind the edge (authentication, rate limits):
 *  - `GET /v1/p2p/status[?namespace=]`: the guide's troubleshooting endpoint, the same
 *    figures as `Query.p2pStatus` (scope `read`);
 *  - `POST /v1/p2p/messages`: a JSON array (or `{ "messages": [...] }`) of signed heartbeats
 *    and link reports, up to P2P_MESSAGE_BATCH_MAX (scope `write`, DEVELOPER in the peers'
 *    namespaces). Answers 200 with `{ accepted, heartbeats, linkReports, rejected: [...] }`
 *    whenever the batch itself was readable, even if every message in it was refused.
 */
import express, { type Router } from 'express';
import { hasScope, type Principal } from '@aivillage/auth';
import { AppError, ErrorCode, httpStatusFor } from '@aivillage/errors';
import type { AppDeps } from '../context.js';
import { canReport, p2pStatusFor } from '../modules/peers/peer.resolver.js';
import { sendError } from './edge-auth.js';

export function p2pRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const fail = (res: express.Response, error: unknown, next: express.NextFunction) => {
    if (error instanceof AppError) return sendError(res, httpStatusFor[error.code], error.code, error.message, error.details);
    next(error);
  };
  router.get('/status', async (req, res, next) => {
    const principal = res.locals.principal as Principal;
    if (!hasScope(principal, 'read')) return sendError(res, 403, ErrorCode.FORBIDDEN, 'Scope "read" required');
    const namespace = typeof req.query.namespace === 'string' ? req.query.namespace : null;
    try {
      res.json(await p2pStatusFor({ principal, deps }, namespace));
    } catch (error) {
      fail(res, error, next);
    }
  });
  router.post('/messages', express.json({ limit: deps.config.MAX_BODY_BYTES }), async (req, res, next) => {
    const principal = res.locals.principal as Principal;
    if (!hasScope(principal, 'write')) return sendError(res, 403, ErrorCode.FORBIDDEN, 'Scope "write" required to send peer messages');
    const body = req.body as unknown;
    const messages = Array.isArray(body) ? body : (body as { messages?: unknown })?.messages;
    if (!Array.isArray(messages)) return sendError(res, 400, ErrorCode.BAD_USER_INPUT, 'Send a JSON array of signed messages, or { "messages": [...] }');
    const max = deps.config.P2P_MESSAGE_BATCH_MAX;
    if (messages.length > max) return sendError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `At most ${max} messages per request (P2P_MESSAGE_BATCH_MAX)`, { max });
    try {
      res.json(await deps.peerTelemetry.ingest(messages, canReport(principal)));
    } catch (error) {
      fail(res, error, next);
    }
  });
  return router;
}
