/**
 * Managing identities: users (admins only) and API keys (developers in their namespaces,
 * admins anywhere). Every change is audited and invalidates cached principals.
 */
import { badInput, conflict, forbidden, notFound } from '@aivillage/errors';
import type { PrismaClient } from '@aivillage/db';
import type { AuditService } from './audit.service.js';
import type { AuthService, RequestMeta } from './auth.service.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.js';
import { assertNamespace, hasRole, isPlatformAdmin, SCOPES, type Principal, type RoleName, type Scope } from './principal.js';
import type { RateLimiter } from './rate-limit.js';
import type { ConnectionLimiter } from './connection-limit.js';
import { TIER_NAMES, type TierName } from './tiers.js';
import { newApiKey } from './tokens.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AccessAdminDeps {
  prisma: PrismaClient;
  auth: AuthService;
  audit: AuditService;
  rateLimiter: RateLimiter;
  connections: ConnectionLimiter;
}

export class AccessAdminService {
  constructor(private readonly d: AccessAdminDeps) {}

  // ---- users ----------------------------------------------------------------------------

  async createUser(actor: Principal | null, input: { email: string; password: string; name?: string | null; role: RoleName }, meta: RequestMeta = {}) {
    if (actor && !isPlatformAdmin(actor)) throw forbidden('Only platform admins manage users');
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw badInput('email is not a valid address', { field: 'email' });
    if (input.password.length < MIN_PASSWORD_LENGTH) throw badInput(`password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' });
    if (await this.d.prisma.user.findUnique({ where: { email } })) throw conflict(`A user with email ${email} exists`);
    const user = await this.d.prisma.user.create({
      data: { email, name: input.name ?? null, role: input.role, passwordHash: await hashPassword(input.password) },
    });
    await this.d.audit.record({
      actor: actor ?? { kind: 'system', label: 'cli' }, action: 'user.create', outcome: 'success',
      targetType: 'user', targetId: user.id, details: { email, role: input.role }, ...meta,
    });
    return user;
  }

  async listUsers(actor: Principal) {
    if (!isPlatformAdmin(actor)) throw forbidden('Only platform admins manage users');
    return this.d.prisma.user.findMany({ orderBy: { email: 'asc' }, include: { memberships: { include: { namespace: true } } } });
  }

  async updateUser(actor: Principal, id: string, input: { role?: RoleName | null; disabled?: boolean | null }, meta: RequestMeta = {}) {
    if (!isPlatformAdmin(actor)) throw forbidden('Only platform admins manage users');
    if (actor.kind === 'user' && actor.userId === id && (input.disabled || (input.role && input.role !== 'ADMIN'))) {
      throw badInput('You cannot demote or disable yourself');
    }
    const existing = await this.d.prisma.user.findUnique({ where: { id } });
    if (!existing) throw notFound('User', id);
    const user = await this.d.prisma.user.update({
      where: { id },
      data: {
        ...(input.role ? { role: input.role } : {}),
        ...(input.disabled == null ? {} : { disabledAt: input.disabled ? new Date() : null }),
      },
    });
    if (input.disabled) await this.d.prisma.session.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
    await this.d.auth.invalidate(`user:${id}`);
    await this.d.audit.record({ actor, action: 'user.update', outcome: 'success', targetType: 'user', targetId: id, details: { ...input }, ...meta });
    return user;
  }

  async setMembership(actor: Principal, userId: string, namespace: string, role: RoleName | null, meta: RequestMeta = {}) {
    if (!isPlatformAdmin(actor)) throw forbidden('Only platform admins manage memberships');
    const ns = await this.d.prisma.namespace.findUnique({ where: { name: namespace } });
    if (!ns) throw notFound('Namespace', namespace);
    if (role) {
      await this.d.prisma.membership.upsert({
        where: { userId_namespaceId: { userId, namespaceId: ns.id } },
        create: { userId, namespaceId: ns.id, role },
        update: { role },
      });
    } else {
      await this.d.prisma.membership.deleteMany({ where: { userId, namespaceId: ns.id } });
    }
    await this.d.auth.invalidate(`user:${userId}`);
    await this.d.audit.record({ actor, action: 'membership.set', outcome: 'success', targetType: 'user', targetId: userId, namespace, details: { role }, ...meta });
  }

  // ---- API keys -------------------------------------------------------------------------

  async createApiKey(
    actor: Principal | null,
    input: { name: string; namespace: string; tier: TierName; scopes: string[]; expiresAt?: Date | null; rateLimitPerMinute?: number | null },
    meta: RequestMeta = {},
  ) {
    if (actor) {
      if (actor.kind === 'apiKey') throw forbidden('API keys cannot create API keys');
      assertNamespace(actor, input.namespace, 'DEVELOPER');
    }
    const name = input.name.trim();
    if (!name || name.length > 200) throw badInput('name must be 1–200 characters', { field: 'name' });
    if (!TIER_NAMES.includes(input.tier)) throw badInput(`tier must be one of ${TIER_NAMES.join(', ')}`, { field: 'tier' });
    const scopes = [...new Set(input.scopes)];
    const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
    if (scopes.length === 0 || unknown.length) throw badInput(`scopes must be a non-empty subset of ${SCOPES.join(', ')}`, { field: 'scopes', unknown });
    if (input.expiresAt && input.expiresAt <= new Date()) throw badInput('expiresAt must be in the future', { field: 'expiresAt' });
    if (input.rateLimitPerMinute != null) {
      if (input.tier !== 'PLATINUM') throw badInput('Only PLATINUM keys take a custom rate limit', { field: 'rateLimitPerMinute' });
      if (!Number.isInteger(input.rateLimitPerMinute) || input.rateLimitPerMinute < 1) throw badInput('rateLimitPerMinute must be a positive integer', { field: 'rateLimitPerMinute' });
    }
    if (actor && actor.kind === 'user' && !hasRole(actor, 'ADMIN') && (input.tier === 'PLATINUM' || input.tier === 'GOLD')) {
      throw forbidden('Only admins issue GOLD and PLATINUM keys');
    }
    const ns = await this.d.prisma.namespace.findUnique({ where: { name: input.namespace } });
    if (!ns) throw notFound('Namespace', input.namespace);
    const { key, prefix, hash } = newApiKey();
    const record = await this.d.prisma.apiKey.create({
      data: {
        name, prefix, secretHash: hash, tier: input.tier, namespaceId: ns.id, scopes,
        expiresAt: input.expiresAt ?? null, rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        createdById: actor?.kind === 'user' ? actor.userId : null,
      },
      include: { namespace: true },
    });
    await this.d.audit.record({
      actor: actor ?? { kind: 'system', label: 'cli' }, action: 'apiKey.create', outcome: 'success',
      targetType: 'apiKey', targetId: record.id, namespace: input.namespace, details: { prefix, tier: input.tier, scopes }, ...meta,
    });
    return { key, record };
  }

  async listApiKeys(actor: Principal, namespace?: string | null) {
    if (namespace) assertNamespace(actor, namespace);
    const visible = actor.namespaces === 'all' ? undefined : actor.namespaces;
    return this.d.prisma.apiKey.findMany({
      where: {
        namespace: { name: namespace ? namespace : visible ? { in: visible } : undefined },
      },
      include: { namespace: true },
      orderBy: { createdAt: 'desc' },
    });
  }

  async revokeApiKey(actor: Principal, id: string, meta: RequestMeta = {}) {
    const key = await this.d.prisma.apiKey.findUnique({ where: { id }, include: { namespace: true } });
    if (!key) throw notFound('API key', id);
    assertNamespace(actor, key.namespace.name, 'DEVELOPER');
    const revoked = key.revokedAt ? key : await this.d.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() }, include: { namespace: true } });
    await this.d.auth.invalidate(`key:${id}`);
    await this.d.audit.record({ actor, action: 'apiKey.revoke', outcome: 'success', targetType: 'apiKey', targetId: id, namespace: key.namespace.name, details: { prefix: key.prefix }, ...meta });
    return revoked;
  }

  /** Requests in the current minute and open connections, against the key's limits. */
  async apiKeyUsage(keyId: string) {
    const subject = `key:${keyId}`;
    const [requestsLastMinute, openConnections] = await Promise.all([
      this.d.rateLimiter.usage(subject),
      this.d.connections.count(subject),
    ]);
    return { requestsLastMinute, openConnections };
  }
}
