/**
 * Authentication and admission at the edge, before any GraphQL work: a request (or a
 * WebSocket's connection_init) is turned into a Principal from an API key
 * (`Authorization: Bearer av_…` or `X-API-Key`) or the console's session cookie, then
 * admitted against its tier's rate and connection limits in one Redis round trip.
 * Refusals are coded errors in GraphQL's shape with the right HTTP status and headers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Admission, AdmissionDecision, AuthService, Principal } from '@aivillage/auth';
import { ErrorCode } from '@aivillage/errors';
import type { Logger } from '@aivillage/log';

export const SESSION_COOKIE = 'av_session';
/** In-flight HTTP requests hold a connection lease this long at most (renewed never). */
const HTTP_LEASE_MS = 60_000;

export type Credential = { kind: 'apiKey'; value: string } | { kind: 'session'; value: string };

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (name && !(name in out)) {
      try {
        out[name] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        out[name] = part.slice(i + 1).trim();
      }
    }
  }
  return out;
}

/** API keys win over cookies, so a script run from a signed-in browser acts as its key. */
export function readCredential(headers: IncomingHttpHeaders, params?: Record<string, unknown> | null): Credential | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ''))?.[1];
  const fromParams = params && (typeof params.apiKey === 'string' ? params.apiKey : typeof params.authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(params.authorization)?.[1] : undefined);
  const key = bearer ?? (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined) ?? fromParams;
  if (key) return { kind: 'apiKey', value: key };
  const session = parseCookies(headers.cookie)[SESSION_COOKIE];
  return session ? { kind: 'session', value: session } : null;
}

export type AuthOutcome =
  | { ok: true; principal: Principal; via: Credential['kind'] }
  | { ok: false; status: 401 | 403; code: ErrorCode; message: string };

export async function authenticate(
  auth: AuthService,
  headers: IncomingHttpHeaders,
  allowedOrigins: string[],
  params?: Record<string, unknown> | null,
): Promise<AuthOutcome> {
  const credential = readCredential(headers, params);
  if (!credential) return { ok: false, status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'Authentication required: send an API key or sign in' };
  if (credential.kind === 'session') {
    // Cookies ride along on cross-site requests; only our own origins may use them.
    const origin = headers.origin;
    if (origin && !allowedOrigins.includes(origin)) {
      return { ok: false, status: 403, code: ErrorCode.FORBIDDEN, message: `Origin ${origin} may not use the session cookie` };
    }
    const principal = await auth.principalFromSession(credential.value);
    return principal
      ? { ok: true, principal, via: 'session' }
      : { ok: false, status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'Session expired or signed out; sign in again' };
  }
  const principal = await auth.principalFromApiKey(credential.value);
  return principal
    ? { ok: true, principal, via: 'apiKey' }
    : { ok: false, status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'API key is invalid, expired or revoked' };
}

export function sendError(res: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { ...extensions, code } }] });
}

export function setRateLimitHeaders(res: Response, decision: AdmissionDecision): void {
  const r = decision.rate;
  if (!r) return;
  res.setHeader('RateLimit-Limit', String(r.limit));
  res.setHeader('RateLimit-Remaining', String(r.remaining));
  res.setHeader('RateLimit-Reset', String(Math.ceil((r.allowed ? r.resetMs : r.retryAfterMs) / 1000)));
  res.setHeader('RateLimit-Policy', `${r.limit};w=${Math.round(r.resetMs / 1000)}`);
}

/** Refusal for a decision that did not admit. */
export function admissionError(decision: AdmissionDecision, p: Principal) {
  if (decision.reason === 'rate') {
    const retryAfterSeconds = Math.max(1, Math.ceil((decision.rate?.retryAfterMs ?? 1000) / 1000));
    return {
      status: 429,
      code: ErrorCode.RATE_LIMITED,
      message: `Rate limit of ${p.requestsPerMinute} requests per minute (${p.tier}) exceeded; retry in ${retryAfterSeconds} s`,
      extensions: { retryAfterSeconds, limit: p.requestsPerMinute, tier: p.tier },
    };
  }
  return {
    status: 429,
    code: ErrorCode.RATE_LIMITED,
    message: `Too many concurrent connections: ${p.tier} allows ${p.concurrentConnections}`,
    extensions: { retryAfterSeconds: 1, limit: p.concurrentConnections, tier: p.tier },
  };
}

export interface EdgeOptions {
  auth: AuthService;
  admission: Admission;
  allowedOrigins: string[];
  log: Logger;
}

/** Express middleware: authenticate and admit, or answer 401/403/429 before GraphQL runs. */
export function requireAuth({ auth, admission, allowedOrigins, log }: EdgeOptions): RequestHandler {
  return async (req, res, next) => {
    try {
      const outcome = await authenticate(auth, req.headers, allowedOrigins);
      if (!outcome.ok) {
        log.info({ ip: req.ip, path: req.path, code: outcome.code, reason: outcome.message }, 'request refused at the edge');
        sendError(res, outcome.status, outcome.code, outcome.message);
        return;
      }
      const p = outcome.principal;
      const connectionId = `http-${randomUUID()}`;
      const decision = await admission.admit(p.subject, p.requestsPerMinute, p.concurrentConnections, connectionId, HTTP_LEASE_MS);
      setRateLimitHeaders(res, decision);
      if (!decision.admitted) {
        const e = admissionError(decision, p);
        res.setHeader('Retry-After', String(e.extensions.retryAfterSeconds));
        log.info({ subject: p.subject, reason: decision.reason }, 'request refused: limits');
        sendError(res, e.status, e.code, e.message, e.extensions);
        return;
      }
      if (p.concurrentConnections !== null) {
        res.once('close', () => void admission.release(p.subject, connectionId).catch(() => {}));
      }
      res.locals.principal = p;
      next();
    } catch (error) {
      next(error);
    }
  };
}
