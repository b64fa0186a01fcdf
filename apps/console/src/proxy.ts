/**
 * Signed-out visitors see only the sign-in page: every page request without the API's
 * session cookie is redirected to `/sign-in?next=<where they were going>`. (Next 16 renamed
 * `middleware.ts` to `proxy.ts`.) A cookie that is present but expired or revoked passes
 * here; the API answers UNAUTHENTICATED and the client sends the visitor to sign in.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE, signInHref } from '@/lib/session';

export function proxy(request: NextRequest) {
  if (request.cookies.get(SESSION_COOKIE)?.value) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  return NextResponse.redirect(new URL(signInHref(`${pathname}${search}`), request.url));
}

export const config = {
  // Everything but the sign-in page itself and static assets (the page's CSS, JS and icon).
  matcher: ['/((?!sign-in|_next/static|_next/image|favicon\\.ico|icon\\.svg|robots\\.txt).*)'],
};
