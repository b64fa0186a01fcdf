'use client';
/**
 * Left navigation of the admin shell: product name, the built domains the signed-in role may
 * use, and who is signed in with a sign-out button. Signed out (the sign-in page), it shows
 * the brand only.
 */
import { useState } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useViewer } from '@/components/auth/viewer';
import { signOut } from '@/components/auth/session-client';
import { useApiEndpoints } from '@/components/graphql/urql-provider';
import { signInHref } from '@/lib/session';
import { navItemsFor } from './nav-items';

function isActive(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function Sidebar({ apiHost }: { apiHost: string }) {
  const pathname = usePathname() ?? '/';
  const { signedIn, viewer, loading, isAdmin } = useViewer();
  const items = signedIn ? navItemsFor(isAdmin) : [];
  return (
    <aside className="sidebar">
      <Link href="/" className="brand" data-testid="brand">
        <span className="brand__mark" aria-hidden>
          AV
        </span>
        <span className="brand__name" data-testid="brand-name">
          AIVillage
        </span>
      </Link>
      {signedIn ? (
        <nav aria-label="Main" data-testid="nav" data-state={loading ? 'loading' : 'ready'}>
          <ul className="nav">
            {items.map((item) => {
              const active = isActive(pathname, item.href);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    className={`nav__link${active ? ' nav__link--active' : ''}`}
                    aria-current={active ? 'page' : undefined}
                    data-testid={`nav-${item.key}`}
                  >
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      ) : null}
      <div className="sidebar__foot">
        {signedIn ? <SignedInAs label={viewer?.label} role={viewer?.role} /> : null}
        <div title="GraphQL API this console talks to">
          API <span className="mono">{apiHost}</span>
        </div>
      </div>
    </aside>
  );
}

/** An email breaks before its "@" when it must wrap, not in the middle of the domain. */
function EmailLike({ value }: { value: string }) {
  const at = value.indexOf('@');
  if (at <= 0) return <>{value}</>;
  return (
    <>
      {value.slice(0, at)}
      <wbr />
      {value.slice(at)}
    </>
  );
}

function SignedInAs({ label, role }: { label: string | undefined; role: string | undefined }) {
  const endpoints = useApiEndpoints();
  const [leaving, setLeaving] = useState(false);
  const onSignOut = async () => {
    setLeaving(true);
    await signOut(endpoints.session);
    window.location.assign(signInHref('/', 'signed-out'));
  };
  return (
    <div className="whoami" data-testid="whoami">
      <div className="whoami__avatar" aria-hidden>
        {(label ?? '?').slice(0, 1).toUpperCase()}
      </div>
      <div className="whoami__text">
        <div className="whoami__label" data-testid="whoami-label" title={label}>
          {label ? <EmailLike value={label} /> : '…'}
        </div>
        <div className="whoami__role" data-testid="whoami-role" data-value={role ?? ''}>
          {role ? role.toLowerCase() : '\u00a0'}
        </div>
      </div>
      <button
        type="button"
        className="whoami__signout"
        onClick={onSignOut}
        disabled={leaving}
        data-testid="sign-out"
        title="Sign out"
      >
        {leaving ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}
