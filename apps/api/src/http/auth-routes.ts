/**
 * Console sign-in and sign-out, the only routes an anonymous caller may use besides the
 * probes: `POST /v1/auth/session` {email, password} sets an HTTP-only, SameSite=Lax
 * session cookie; `DELETE /v1/auth/session` revokes it. Sign-in attempts are limited per
 * client IP on top of the per-account backoff in AuthService, and every outcome is audited.
 */
import express, { type Router } from 'express';
import type { Admission, AuditService, AuthService } from '@aivillage/auth';
import { AppError, ErrorCode, httpStatusFor } from '@aivillage/errors';
import type { Logger } from '@aivillage/log';
import { parseCookies, SESSION_COOKIE, sendError } from './edge-auth.js';

/** Sign-in attempts per client IP per minute, whatever the account. */
const SIGN_IN_PER_IP_PER_MINUTE = 30;

export interface AuthRoutesOptions {
  auth: AuthService;
  audit: AuditService;
  admission: Admission;
  allowedOrigins: string[];
  cookieSecure: 'auto' | 'true' | 'false';
  log: Logger;
}

export function authRoutes(o: AuthRoutesOptions): Router {
  const router = express.Router();
  router.use(express.json({ limit: 16_384 }));

  router.post('/session', async (req, res, next) => {
    const meta = { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
    try {
      const origin = req.get('origin');
      if (origin && !o.allowedOrigins.includes(origin)) {
        sendError(res, 403, ErrorCode.FORBIDDEN, `Origin ${origin} may not sign in here`);
        return;
      }
      const ipDecision = await o.admission.admit(`signin-ip:${req.ip}`, SIGN_IN_PER_IP_PER_MINUTE, null, null);
      if (!ipDecision.admitted) {
        const retry = Math.ceil((ipDecision.rate?.retryAfterMs ?? 60_000) / 1000);
        res.setHeader('Retry-After', String(retry));
        sendError(res, 429, ErrorCode.RATE_LIMITED, 'Too many sign-in attempts from this address', { retryAfterSeconds: retry });
        return;
      }
      const { email, password } = (req.body ?? {}) as { email?: unknown; password?: unknown };
      if (typeof email !== 'string' || typeof password !== 'string' || !email || !password || password.length > 1024) {
        sendError(res, 400, ErrorCode.BAD_USER_INPUT, 'Send JSON {"email": "...", "password": "..."}');
        return;
      }
      const { token, expiresAt, user } = await o.auth.signIn(email, password, meta);
      const secure = o.cookieSecure === 'true' || (o.cookieSecure === 'auto' && req.secure);
      res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
      await o.audit.record({ actor: { kind: 'user', userId: user.id, label: user.email }, action: 'auth.signIn', outcome: 'success', targetType: 'user', targetId: user.id, ...meta });
      res.json({ user, expiresAt: expiresAt.toISOString() });
    } catch (error) {
      if (error instanceof AppError) {
        await o.audit.record({
          actor: { kind: 'anonymous', label: String((req.body as { email?: unknown })?.email ?? '').slice(0, 254) || 'unknown' },
          action: 'auth.signIn', outcome: 'denied', details: { code: error.code }, ...meta,
        });
        o.log.info({ ip: req.ip, code: error.code }, 'sign-in refused');
        if (error.details?.retryAfterSeconds) res.setHeader('Retry-After', String(error.details.retryAfterSeconds));
        sendError(res, httpStatusFor[error.code], error.code, error.message, error.details);
        return;
      }
      next(error);
    }
  });

  router.delete('/session', async (req, res, next) => {
    try {
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (token) await o.auth.signOut(token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });
  return router;
}
