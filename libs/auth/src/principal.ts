/**
 * Who is calling, and what they may touch. Access rules return Prisma `where` filters
 * (Keystone's pattern) that services AND into every read and write, so a namespace
 * check cannot be forgotten in one resolver and remembered in another.
 */
import { forbidden } from '@aivillage/errors';
import type { TierName } from './tiers.js';

export type RoleName = 'ADMIN' | 'DEVELOPER' | 'VIEWER';

/** What an API key may do. `read` = queries and subscriptions; `write` = mutations. */
export const SCOPES = ['read', 'write', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

interface PrincipalBase {
  /** ADMIN and DEVELOPER may write; VIEWER only reads. */
  role: RoleName;
  tier: TierName;
  /** `all` for platform admins; otherwise the namespace names this caller may see. */
  namespaces: 'all' | string[];
  scopes: readonly Scope[];
  /** Stable id used for rate-limit and connection-limit keys and the audit log. */
  subject: string;
  label: string;
  /** Requests per minute; null = unlimited. */
  requestsPerMinute: number | null;
  concurrentConnections: number | null;
  /** Epoch ms after which the credential (session or key) is no longer valid; null = never. */
  expiresAt: number | null;
}

export interface UserPrincipal extends PrincipalBase {
  kind: 'user';
  /** Role per namespace from memberships (platform admins need none). */
  namespaceRoles: Record<string, RoleName>;
  userId: string;
  email: string;
  sessionId: string;
}

export interface ApiKeyPrincipal extends PrincipalBase {
  kind: 'apiKey';
  keyId: string;
  prefix: string;
  namespaceId: string;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

const RANK: Record<RoleName, number> = { ADMIN: 3, DEVELOPER: 2, VIEWER: 1 };

export const hasRole = (p: Principal, role: RoleName) => RANK[p.role] >= RANK[role];
export const hasScope = (p: Principal, scope: Scope) => p.scopes.includes(scope);
export const isPlatformAdmin = (p: Principal) => p.kind === 'user' && p.role === 'ADMIN' && p.namespaces === 'all';

export function canAccessNamespace(p: Principal, namespace: string): boolean {
  return p.namespaces === 'all' || p.namespaces.includes(namespace);
}

/** The caller's role inside one namespace, or null when it has no access there. */
export function roleIn(p: Principal, namespace: string): RoleName | null {
  if (!canAccessNamespace(p, namespace)) return null;
  if (p.kind === 'user' && p.namespaces !== 'all') return p.namespaceRoles[namespace] ?? null;
  return p.role;
}

/** Throws FORBIDDEN unless `p` holds at least `minRole` in `namespace`. */
export function assertNamespace(p: Principal, namespace: string, minRole: RoleName = 'VIEWER'): void {
  const role = roleIn(p, namespace);
  if (role === null) throw forbidden(`No access to namespace ${JSON.stringify(namespace)}`);
  if (RANK[role] < RANK[minRole]) throw forbidden(`Role ${minRole} required in namespace ${JSON.stringify(namespace)}`);
}

/** Filter for rows of the `Namespace` model itself. */
export function namespaceWhere(p: Principal): { name?: { in: string[] } } {
  return p.namespaces === 'all' ? {} : { name: { in: p.namespaces } };
}

/** Filter for domain rows that carry a `namespace` relation. */
export function inNamespaces(p: Principal): { namespace?: { name: { in: string[] } } } {
  return p.namespaces === 'all' ? {} : { namespace: { name: { in: p.namespaces } } };
}
