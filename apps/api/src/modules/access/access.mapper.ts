/** Maps access rows and principals to their GraphQL shapes. */
import { TIERS, type Principal, type TierName } from '@aivillage/auth';
import { ApiKeyStatus, PrincipalKind, type ApiKey, type Role, type Tier, type TierLimits, type User, type Viewer } from './access.type.js';

export const tierLimits = (tier: TierName): TierLimits => ({ ...TIERS[tier] }) as TierLimits;

export function toApiKey(k: {
  id: string; name: string; prefix: string; tier: string; scopes: string[]; rateLimitPerMinute: number | null;
  expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null; createdAt: Date; namespace: { name: string };
}): ApiKey {
  const status = k.revokedAt ? ApiKeyStatus.REVOKED : k.expiresAt && k.expiresAt <= new Date() ? ApiKeyStatus.EXPIRED : ApiKeyStatus.ACTIVE;
  return { ...k, tier: k.tier as Tier, namespace: k.namespace.name, status };
}

export function toUser(u: {
  id: string; email: string; name: string | null; role: string; disabledAt: Date | null; createdAt: Date;
  memberships?: { role: string; namespace: { name: string } }[];
}): User {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role as Role, disabled: u.disabledAt !== null, createdAt: u.createdAt,
    memberships: (u.memberships ?? []).map((m) => ({ namespace: m.namespace.name, role: m.role as Role })),
  };
}

export function toViewer(p: Principal, user: User | null): Viewer {
  return {
    kind: p.kind === 'user' ? PrincipalKind.USER : PrincipalKind.API_KEY,
    label: p.label,
    role: p.role as Role,
    tier: p.tier as Tier,
    allNamespaces: p.namespaces === 'all',
    namespaces: p.namespaces === 'all' ? [] : p.namespaces,
    scopes: [...p.scopes],
    limits: tierLimits(p.tier),
    requestsPerMinute: p.requestsPerMinute,
    user,
  };
}
