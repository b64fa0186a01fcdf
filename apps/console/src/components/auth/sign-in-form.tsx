'use client';
/**
 * The sign-in form. Posts to the API's `/v1/auth/session`, which sets the session cookie;
 * on success the browser loads the page the visitor wanted (a full load, so the shell and
 * the GraphQL client start fresh as the signed-in user). Refusals are explained: wrong
 * credentials, the API's back-off after repeated failures (with a countdown), bad input, an
 * unreachable API.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useApiEndpoints } from '@/components/graphql/urql-provider';
import { useMounted } from '@/components/ui/use-mounted';
import type { SignInReason } from '@/lib/session';
import { signIn } from './session-client';

interface FormError {
  code: string;
  message: string;
  /** Epoch ms until which the API refuses attempts (RATE_LIMITED). */
  retryAt?: number;
}

function describe(code: string, message: string): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'Email or password is incorrect.';
    case 'BAD_USER_INPUT':
      return 'Enter your email address and password.';
    case 'FORBIDDEN':
      return `The API refused this console: ${message} (is the console's origin in the API's CORS_ORIGINS?)`;
    default:
      return message;
  }
}

export function SignInForm({ next, reason }: { next: string; reason: SignInReason | null }) {
  const endpoints = useApiEndpoints();
  const mounted = useMounted();
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const waitSeconds = error?.retryAt ? Math.max(0, Math.ceil((error.retryAt - now) / 1000)) : 0;
  useEffect(() => {
    if (!error?.retryAt) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [error?.retryAt]);

  // Cookies belong to a host name: a console on "localhost" never sees a cookie set by an
  // API on "127.0.0.1", and sign-in would seem to do nothing.
  const apiHostname = new URL(endpoints.session).hostname;
  const hostMismatch = mounted && window.location.hostname !== apiHostname ? apiHostname : null;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting || waitSeconds > 0) return;
    setSubmitting(true);
    setError(null);
    const result = await signIn(endpoints.session, email.trim(), password);
    if (result.ok) {
      window.location.assign(next);
      return; // keep the button disabled while the next page loads
    }
    setSubmitting(false);
    setNow(Date.now());
    setError({
      code: result.code,
      message: describe(result.code, result.message),
      retryAt:
        result.code === 'RATE_LIMITED' && result.retryAfterSeconds
          ? Date.now() + result.retryAfterSeconds * 1000
          : undefined,
    });
    if (result.code === 'UNAUTHENTICATED') setPassword('');
  };

  return (
    // data-ready: hydrated, so typed values reach React state (tests wait for it before typing).
    <form className="card sign-in__card" onSubmit={onSubmit} data-testid="sign-in-form" data-ready={mounted ? 'true' : 'false'} noValidate>
      <header className="sign-in__head">
        <h1 className="page__title">Sign in</h1>
        <p className="page__sub">Use your AIVillage console account.</p>
      </header>

      {reason === 'expired' && !error ? (
        <div className="callout callout--info" data-testid="sign-in-notice">
          Your session has ended. Sign in again to continue.
        </div>
      ) : null}
      {reason === 'signed-out' && !error ? (
        <div className="callout callout--info" data-testid="sign-in-notice">
          You have signed out.
        </div>
      ) : null}
      {hostMismatch ? (
        <div className="callout callout--warn" data-testid="sign-in-host-warning">
          This console is open on <span className="mono">{window.location.hostname}</span> but its API is on{' '}
          <span className="mono">{hostMismatch}</span>. Open the console on {hostMismatch} so it can see your session.
        </div>
      ) : null}

      {error ? (
        <div className="callout callout--error" role="alert" data-testid="sign-in-error" data-code={error.code}>
          {error.code === 'RATE_LIMITED' ? (
            <>
              Too many sign-in attempts.{' '}
              {waitSeconds > 0 ? (
                <>
                  Try again in{' '}
                  <strong data-testid="sign-in-retry-after" data-value={waitSeconds}>
                    {`${waitSeconds}\u00a0s`}
                  </strong>
                  .
                </>
              ) : (
                'You can try again now.'
              )}
            </>
          ) : (
            error.message
          )}
        </div>
      ) : null}

      <label className="field" htmlFor={`${id}-email`}>
        <span className="field__label">Email</span>
        <input
          id={`${id}-email`}
          className="input"
          type="email"
          name="email"
          autoComplete="username"
          autoFocus
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="sign-in-email"
        />
      </label>
      <label className="field" htmlFor={`${id}-password`}>
        <span className="field__label">Password</span>
        <input
          id={`${id}-password`}
          className="input"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="sign-in-password"
        />
      </label>
      <button
        type="submit"
        className="button button--primary button--block"
        disabled={!mounted || submitting || waitSeconds > 0 || !email.trim() || !password}
        data-testid="sign-in-submit"
      >
        {submitting ? 'Signing in…' : waitSeconds > 0 ? `Try again in ${waitSeconds} s` : 'Sign in'}
      </button>
    </form>
  );
}
