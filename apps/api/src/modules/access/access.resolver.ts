/** Access: the caller, tiers, users, API keys and the audit log. Thin: rules live in libs/auth. */
import { TIER_NAMES } from '@aivillage/auth';
import { badInput } from '@aivillage/errors';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { CreateApiKeyInput, CreateUserInput, UpdateUserInput } from './access.input.js';
import { toApiKey, toUser, toViewer, tierLimits } from './access.mapper.js';
import { ApiKey, ApiKeyUsage, AuditEventConnection, CreatedApiKey, Role, TierLimits, User, Viewer } from './access.type.js';

@Resolver()
export class AccessResolver {
  @Query(() => Viewer, { description: 'Who the caller is, with its role, tier, namespaces and limits' })
  async me(@Ctx() ctx: Context): Promise<Viewer> {
    const p = ctx.principal;
    const user = p.kind === 'user' ? await ctx.prisma.user.findUnique({ where: { id: p.userId }, include: { memberships: { include: { namespace: true } } } }) : null;
    return toViewer(p, user ? toUser(user) : null);
  }

  @Query(() => [TierLimits], { description: "The guide's service tiers and their limits" })
  tiers(): TierLimits[] {
    return TIER_NAMES.map(tierLimits);
  }

  @Authorized('ADMIN')
  @Query(() => [User])
  async users(@Ctx() ctx: Context): Promise<User[]> {
    return (await ctx.deps.access.listUsers(ctx.principal)).map(toUser);
  }

  @Authorized('ADMIN')
  @Mutation(() => User)
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    return toUser(await ctx.deps.access.createUser(ctx.principal, input, ctx.meta));
  }

  @Authorized('ADMIN')
  @Mutation(() => User)
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: Context): Promise<User> {
    return toUser(await ctx.deps.access.updateUser(ctx.principal, id, input, ctx.meta));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Give a user a role in a namespace, or remove it with role: null' })
  async setMembership(
    @Arg('userId', () => ID) userId: string,
    @Arg('namespace') namespace: string,
    @Arg('role', () => Role, { nullable: true }) role: Role | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.deps.access.setMembership(ctx.principal, userId, namespace, role, ctx.meta);
    return true;
  }

  @Query(() => [ApiKey], { description: 'API keys in the namespaces the caller can see' })
  async apiKeys(@Arg('namespace', () => String, { nullable: true }) namespace: string | null, @Ctx() ctx: Context): Promise<ApiKey[]> {
    return (await ctx.deps.access.listApiKeys(ctx.principal, namespace)).map(toApiKey);
  }

  @Authorized('DEVELOPER')
  @Mutation(() => CreatedApiKey)
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreatedApiKey> {
    const { key, record } = await ctx.deps.access.createApiKey(ctx.principal, input, ctx.meta);
    return { apiKey: toApiKey(record), secret: key };
  }

  @Authorized('DEVELOPER')
  @Mutation(() => ApiKey)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return toApiKey(await ctx.deps.access.revokeApiKey(ctx.principal, id, ctx.meta));
  }

  @Authorized('ADMIN')
  @Query(() => AuditEventConnection, { description: 'Newest first' })
  async auditEvents(
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('action', () => String, { nullable: true }) action: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEventConnection> {
    if (first < 1 || first > 500) throw badInput('first must be between 1 and 500', { field: 'first' });
    if (after != null && !/^\d+$/.test(after)) throw badInput('after is not a cursor from this list', { field: 'after' });
    const rows = await ctx.deps.audit.list({ first, after: after == null ? undefined : BigInt(after), action: action ?? undefined });
    const page = rows.slice(0, first);
    return {
      nodes: page.map((r) => ({ ...r, id: String(r.id) })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? String(page[page.length - 1].id) : null },
    };
  }
}

@Resolver(() => ApiKey)
export class ApiKeyFieldsResolver {
  @FieldResolver(() => TierLimits)
  limits(@Root() key: ApiKey): TierLimits {
    return tierLimits(key.tier);
  }

  @FieldResolver(() => ApiKeyUsage, { description: 'Current use against the limits, across all API instances' })
  usage(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<ApiKeyUsage> {
    return ctx.deps.access.apiKeyUsage(key.id);
  }
}
