/**
 * The browser side of console sessions: REST calls to the API's `/v1/auth/session` (with
 * `credentials: 'include'`, so the API can set and clear its HTTP-only cookie) and the one
 * way back to the sign-in page when the API no longer accepts the session.
 */
import { SIGN_IN_PATH, signInHref, type SignInReason } from '@/lib/session';

export interface SignedInUser {
  id: string;
  email: string;
  role: string;
}

export type SignInResult =
  | { ok: true; user: SignedInUser; expiresAt: string }
  | { ok: false; code: string; message: string; retryAfterSeconds?: number };

interface ErrorBody {
  errors?: { message?: string; extensions?: { code?: string; retryAfterSeconds?: number } }[];
}

export async function signIn(sessionUrl: string, email: string, password: string): Promise<SignInResult> {
  let response: Response;
  try {
    response = await fetch(sessionUrl, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    return { ok: false, code: 'NETWORK', message: 'The API could not be reached. Check that it is running and try again.' };
  }
  const body = (await response.json().catch(() => null)) as (ErrorBody & { user?: SignedInUser; expiresAt?: string }) | null;
  if (response.ok && body?.user && body.expiresAt) return { ok: true, user: body.user, expiresAt: body.expiresAt };
  const error = body?.errors?.[0];
  const retryHeader = Number(response.headers.get('retry-after'));
  const retryAfterSeconds =
    error?.extensions?.retryAfterSeconds ?? (Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined);
  return {
    ok: false,
    code: error?.extensions?.code ?? `HTTP_${response.status}`,
    message: error?.message ?? `Sign-in failed (HTTP ${response.status})`,
    retryAfterSeconds,
  };
}

/** Ends the session at the API (which clears its cookie). Never throws. */
export async function signOut(sessionUrl: string): Promise<void> {
  await fetch(sessionUrl, { method: 'DELETE', credentials: 'include' }).catch(() => undefined);
}

let redirecting = false;

/**
 * Sends the browser to the sign-in page, remembering where it was. Used when the API answers
 * UNAUTHENTICATED (expired, revoked or signed-out session): the stale cookie is cleared first
 * so the proxy stops letting page requests through. Runs once, however many requests failed.
 */
export function redirectToSignIn(sessionUrl: string, reason: SignInReason = 'expired'): void {
  if (typeof window === 'undefined' || redirecting) return;
  if (window.location.pathname === SIGN_IN_PATH) return;
  redirecting = true;
  const here = `${window.location.pathname}${window.location.search}`;
  void signOut(sessionUrl).finally(() => window.location.assign(signInHref(here, reason)));
}
