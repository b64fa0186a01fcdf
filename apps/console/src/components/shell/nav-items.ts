/**
 * The console's navigation: one entry per domain that has a page. Add an entry only together
 * with its page under `src/app/<domain>/` — unbuilt domains are absent, not placeholders.
 * Signed-out visitors get no navigation; `adminOnly` entries are shown to platform admins.
 */
export interface NavItem {
  href: string;
  label: string;
  /** Stable key for tests: `data-testid="nav-<key>"`. */
  key: string;
  /** Shown only to platform admins (the API refuses the page's operations to anyone else). */
  adminOnly?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview', key: 'overview' },
  { href: '/models', label: 'Models', key: 'models' },
  { href: '/training', label: 'Training', key: 'training' },
  { href: '/peers', label: 'Peers', key: 'peers' },
  { href: '/fog', label: 'Fog', key: 'fog' },
  { href: '/knowledge', label: 'Knowledge', key: 'knowledge' },
  { href: '/capacity', label: 'Capacity', key: 'capacity' },
  { href: '/slo', label: 'SLO', key: 'slo' },
  { href: '/api-keys', label: 'API keys', key: 'api-keys' },
  { href: '/users', label: 'Users', key: 'users', adminOnly: true },
  { href: '/audit', label: 'Audit log', key: 'audit', adminOnly: true },
  { href: '/profiling', label: 'Profiling', key: 'profiling', adminOnly: true },
];

export function navItemsFor(isAdmin: boolean): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.adminOnly || isAdmin);
}
