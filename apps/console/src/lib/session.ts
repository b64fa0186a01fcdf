/**
 * The console's sign-in rules, shared by the proxy (server) and the browser. The API sets the
 * HTTP-only `av_session` cookie on its own host; cookies ignore ports, so a console served
 * from the same host name (127.0.0.1:3000 next to an API on 127.0.0.1:4000) sees it too —
 * enough for the proxy to tell "never signed in" from "maybe signed in". Whether the session
 * is still valid only the API knows; the client handles its UNAUTHENTICATED answers.
 */
export const SESSION_COOKIE = 'av_session';
export const SIGN_IN_PATH = '/sign-in';

/** Why the sign-in page was opened: shown as a note above the form. */
export type SignInReason = 'expired' | 'signed-out';

/**
 * A same-origin path to return to after sign-in, or `/`. Anything that could leave the
 * console (absolute URLs, `//host`, `/\host`) or loop back to the sign-in page is refused.
 */
export function safeNextPath(raw: string | string[] | null | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value === SIGN_IN_PATH || value.startsWith(`${SIGN_IN_PATH}?`) || value.startsWith(`${SIGN_IN_PATH}/`)) return '/';
  return value;
}

/** `/sign-in`, `/sign-in?next=%2Fapi-keys`, `/sign-in?next=…&reason=expired`. */
export function signInHref(next: string, reason?: SignInReason): string {
  const params = new URLSearchParams();
  const target = safeNextPath(next);
  if (target !== '/') params.set('next', target);
  if (reason) params.set('reason', reason);
  const query = params.toString();
  return query ? `${SIGN_IN_PATH}?${query}` : SIGN_IN_PATH;
}
