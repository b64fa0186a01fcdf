/**
 * Identity: sign-in with backoff, server-side sessions, API keys, and turning a cookie or
 * a key into a Principal. Resolved principals are cached in-process for a few seconds (the
 * hot path costs no database round trip); sign-out, revocation and role changes publish an
 * invalidation through Redis so every API instance drops its copy at once.
 */
import { AppError, ErrorCode, unauthenticated } from '@aivillage/errors';
import type { PrismaClient } from '@aivillage/db';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { DUMMY_HASH, verifyPassword } from './password.js';
import type { ApiKeyPrincipal, Principal, RoleName, Scope, UserPrincipal } from './principal.js';
import { TIERS, type TierName } from './tiers.js';
import { hashesEqual, newSessionToken, parseApiKey, sha256 } from './tokens.js';

export interface AuthServiceOptions {
  prisma: PrismaClient;
  /** Publishing connection. */
  redis: Redis;
  /** A dedicated connection for the invalidation channel (subscriber mode). */
  subscriber: Redis;
  redisPrefix: string;
  sessionTtlMs: number;
  /** Tier whose limits apply to console sessions. */
  sessionTier: TierName;
  cacheTtlMs?: number;
}

export interface RequestMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** Failed sign-ins before the account backs off; then 1 s, 2 s, 4 s … up to 15 minutes. */
const FREE_FAILURES = 5;
const MAX_LOCK_MS = 15 * 60_000;

export class AuthService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number; subject?: string }>();
  private readonly channel: string;
  private readonly ready: Promise<unknown>;
  private readonly lastTouched = new Map<string, number>();
  private readonly loading = new Map<string, Promise<Principal | null>>();
  /** Bumped by every invalidation; lookups started before one are not cached. */
  private generation = 0;
  /**
   * Emits `invalidated` (subject) for every invalidation, local or from another instance,
   * so holders of long-lived connections (WebSockets) can drop them.
   */
  readonly events = new EventEmitter();

  constructor(private readonly opts: AuthServiceOptions) {
    this.channel = `${opts.redisPrefix}:auth:invalidate`;
    this.ready = opts.subscriber.subscribe(this.channel);
    opts.subscriber.on('message', (channel, subject) => {
      if (channel === this.channel) this.evictSubject(subject);
    });
  }

  /** Resolves once this instance listens for invalidations. */
  whenReady(): Promise<unknown> {
    return this.ready;
  }

  // ---- sign-in and sessions -------------------------------------------------------------

  async signIn(email: string, password: string, meta: RequestMeta = {}): Promise<{ token: string; expiresAt: Date; user: { id: string; email: string; role: RoleName } }> {
    const { prisma } = this.opts;
    const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, omit: { passwordHash: false } });
    const now = new Date();
    if (user?.lockedUntil && user.lockedUntil > now) {
      const retryAfterMs = user.lockedUntil.getTime() - now.getTime();
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many failed sign-ins; try again later', {
        details: { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) },
      });
    }
    // Always run one scrypt verification, so an unknown email takes as long as a wrong password.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabledAt) {
      if (user) {
        const failed = user.failedSignIns + 1;
        const lockMs = failed >= FREE_FAILURES ? Math.min(1000 * 2 ** (failed - FREE_FAILURES), MAX_LOCK_MS) : 0;
        await prisma.user.update({
          where: { id: user.id },
          data: { failedSignIns: failed, lockedUntil: lockMs ? new Date(now.getTime() + lockMs) : null },
        });
      }
      throw unauthenticated('Email or password is incorrect');
    }
    const { token, hash } = newSessionToken();
    const expiresAt = new Date(now.getTime() + this.opts.sessionTtlMs);
    await prisma.$transaction([
      prisma.user.update({ where: { id: user.id }, data: { failedSignIns: 0, lockedUntil: null } }),
      prisma.session.create({
        data: { tokenHash: hash, userId: user.id, expiresAt, ip: meta.ip?.slice(0, 64), userAgent: meta.userAgent?.slice(0, 512) },
      }),
    ]);
    return { token, expiresAt, user: { id: user.id, email: user.email, role: user.role } };
  }

  async signOut(token: string): Promise<void> {
    const hash = sha256(token);
    await this.opts.prisma.session.updateMany({ where: { tokenHash: hash, revokedAt: null }, data: { revokedAt: new Date() } });
    await this.invalidate(`session:${hash}`);
  }

  async principalFromSession(token: string): Promise<UserPrincipal | null> {
    const hash = sha256(token);
    return this.cached(`session:${hash}`, async () => {
      const session = await this.opts.prisma.session.findUnique({
        where: { tokenHash: hash },
        include: { user: { include: { memberships: { include: { namespace: { select: { name: true } } } } } } },
      });
      if (!session || session.revokedAt || session.expiresAt <= new Date() || session.user.disabledAt) return null;
      return this.userPrincipal(session.user, session.id, session.expiresAt);
    }) as Promise<UserPrincipal | null>;
  }

  private userPrincipal(
    user: { id: string; email: string; role: RoleName; memberships: { role: RoleName; namespace: { name: string } }[] },
    sessionId: string,
    expiresAt: Date,
  ): UserPrincipal {
    const limits = TIERS[this.opts.sessionTier];
    const namespaceRoles = Object.fromEntries(user.memberships.map((m) => [m.namespace.name, m.role]));
    return {
      kind: 'user',
      userId: user.id,
      email: user.email,
      sessionId,
      role: user.role,
      tier: this.opts.sessionTier,
      namespaces: user.role === 'ADMIN' ? 'all' : Object.keys(namespaceRoles),
      namespaceRoles,
      scopes: user.role === 'VIEWER' ? ['read'] : ['read', 'write', 'metrics'],
      subject: `user:${user.id}`,
      label: user.email,
      requestsPerMinute: limits.requestsPerMinute,
      concurrentConnections: limits.concurrentConnections,
      expiresAt: expiresAt.getTime(),
    };
  }

  // ---- API keys -----------------------------------------------------------------------

  async principalFromApiKey(raw: string): Promise<ApiKeyPrincipal | null> {
    const parsed = parseApiKey(raw);
    if (!parsed) return null;
    return this.cached(`key:${parsed.prefix}`, async () => {
      const key = await this.opts.prisma.apiKey.findUnique({
        where: { prefix: parsed.prefix },
        omit: { secretHash: false },
        include: { namespace: { select: { name: true } } },
      });
      if (!key || !hashesEqual(key.secretHash, parsed.secretHash)) return null;
      if (key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) return null;
      const limits = TIERS[key.tier];
      const scopes = key.scopes as Scope[];
      return {
        kind: 'apiKey',
        keyId: key.id,
        prefix: key.prefix,
        namespaceId: key.namespaceId,
        role: scopes.includes('write') ? 'DEVELOPER' : 'VIEWER',
        tier: key.tier,
        namespaces: [key.namespace.name],
        scopes,
        subject: `key:${key.id}`,
        label: key.prefix,
        requestsPerMinute: key.rateLimitPerMinute ?? limits.requestsPerMinute,
        concurrentConnections: limits.concurrentConnections,
        expiresAt: key.expiresAt?.getTime() ?? null,
        // The secret hash is checked before caching; keep it to re-check cache hits.
        secretHash: parsed.secretHash,
      } as ApiKeyPrincipal & { secretHash: string };
    }).then((p) => {
      // A cache hit must still match the presented secret.
      const hit = p as (ApiKeyPrincipal & { secretHash: string }) | null;
      if (!hit || !hashesEqual(hit.secretHash, parsed.secretHash)) return null;
      this.touch(hit.keyId);
      return stripSecret(hit);
    });
  }

  // ---- cache and invalidation -----------------------------------------------------------

  /**
   * In-process principal cache with single flight: when an entry is missing or stale, one
   * lookup serves every concurrent request for that credential.
   */
  private cached(key: string, load: () => Promise<Principal | null>): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return Promise.resolve(hit.principal);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const promise = load()
      .then((principal) => {
        // A lookup that raced an invalidation may have read the old row: answer, don't keep it.
        if (generation !== this.generation) return principal;
        if (this.cache.size > 10_000) this.cache.clear(); // bounded; a refill costs one query each
        // Never keep a principal past its credential's expiry.
        const until = Math.min(Date.now() + (this.opts.cacheTtlMs ?? 10_000), principal?.expiresAt ?? Infinity);
        this.cache.set(key, { principal, until, subject: principal?.subject });
        return principal;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  /** Drops cached principals for `subject` (`user:<id>`, `key:<id>`, `session:<hash>`, `key:<prefix>`) everywhere. */
  async invalidate(subject: string): Promise<void> {
    this.evictSubject(subject);
    await this.opts.redis.publish(this.channel, subject);
  }

  private evictSubject(subject: string): void {
    for (const [key, entry] of this.cache) {
      if (key === subject || entry.subject === subject) this.cache.delete(key);
    }
    this.generation++;
    this.loading.clear();
    this.events.emit('invalidated', subject);
  }

  /** The cache key a credential resolves under (matches `invalidated` events for sign-out). */
  static credentialKey(kind: 'session' | 'apiKey', raw: string): string | null {
    if (kind === 'session') return `session:${sha256(raw)}`;
    const parsed = parseApiKey(raw);
    return parsed ? `key:${parsed.prefix}` : null;
  }

  /** Records use of a key at most once a minute per key per instance, off the request path. */
  private touch(keyId: string): void {
    const now = Date.now();
    if ((this.lastTouched.get(keyId) ?? 0) > now - 60_000) return;
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    this.lastTouched.set(keyId, now);
    void this.opts.prisma.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
  }
}

function stripSecret(p: ApiKeyPrincipal & { secretHash?: string }): ApiKeyPrincipal {
  const { secretHash: _secret, ...rest } = p;
  return rest;
}
