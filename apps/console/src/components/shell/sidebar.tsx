'use client';
/** Left navigation of the admin shell: product name and the built domains. */
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { NAV_ITEMS } from './nav-items';

function isActive(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function Sidebar({ apiHost }: { apiHost: string }) {
  const pathname = usePathname() ?? '/';
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
      <nav aria-label="Main" data-testid="nav">
        <ul className="nav">
          {NAV_ITEMS.map((item) => {
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
      <div className="sidebar__foot" title="GraphQL API this console talks to">
        API <span className="mono">{apiHost}</span>
      </div>
    </aside>
  );
}
