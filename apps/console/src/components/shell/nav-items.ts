/**
 * The console's navigation: one entry per domain that has a page. Add an entry only together
 * with its page under `src/app/<domain>/` — unbuilt domains are absent, not placeholders.
 */
export interface NavItem {
  href: string;
  label: string;
  /** Stable key for tests: `data-testid="nav-<key>"`. */
  key: string;
}

export const NAV_ITEMS: readonly NavItem[] = [{ href: '/', label: 'Overview', key: 'overview' }];
