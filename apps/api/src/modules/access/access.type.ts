import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONResolver } from 'graphql-scalars';

export enum Role { ADMIN = 'ADMIN', DEVELOPER = 'DEVELOPER', VIEWER = 'VIEWER' }
export enum Tier { BRONZE = 'BRONZE', SILVER = 'SILVER', GOLD = 'GOLD', PLATINUM = 'PLATINUM' }
export enum PrincipalKind { USER = 'USER', API_KEY = 'API_KEY' }
export enum ApiKeyStatus { ACTIVE = 'ACTIVE', REVOKED = 'REVOKED', EXPIRED = 'EXPIRED' }
registerEnumType(Role, { name: 'Role', description: 'ADMIN > DEVELOPER > VIEWER' });
registerEnumType(Tier, { name: 'Tier', description: "The guide's service tiers" });
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });
registerEnumType(ApiKeyStatus, { name: 'ApiKeyStatus' });

@ObjectType({ description: "A tier's limits (Performance Tiers in the guide); null means unlimited" })
export class TierLimits {
  @Field(() => Tier) tier!: Tier;
  @Field(() => Int, { nullable: true }) requestsPerMinute!: number | null;
  @Field(() => Int, { nullable: true }) concurrentConnections!: number | null;
  @Field(() => Float, { nullable: true }) storageBytes!: number | null;
  @Field(() => Int) maxQueryDepth!: number;
  @Field(() => Int) maxQueryCost!: number;
  @Field() modelTraining!: string;
  @Field() support!: string;
}

@ObjectType()
export class Membership {
  @Field() namespace!: string;
  @Field(() => Role) role!: Role;
}

@ObjectType()
export class User {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Role, { description: 'Platform-wide role; ADMIN sees every namespace' }) role!: Role;
  @Field() disabled!: boolean;
  @Field() createdAt!: Date;
  @Field(() => [Membership]) memberships!: Membership[];
}

@ObjectType()
export class ApiKeyUsage {
  @Field(() => Int, { description: 'Requests admitted in the sliding minute' }) requestsLastMinute!: number;
  @Field(() => Int) openConnections!: number;
}

@ObjectType({ description: 'An API key; the secret is shown once, at creation' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'Visible prefix of the key, e.g. av_1a2b3c4d5e' }) prefix!: string;
  @Field(() => Tier) tier!: Tier;
  @Field() namespace!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => Int, { nullable: true, description: 'Custom rate (Platinum only); null = the tier rate' }) rateLimitPerMinute!: number | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field() createdAt!: Date;
  @Field(() => ApiKeyStatus) status!: ApiKeyStatus;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: 'The full key. Shown only now; store it safely.' }) secret!: string;
}

@ObjectType({ description: 'The caller: a signed-in user or an API key' })
export class Viewer {
  @Field(() => PrincipalKind) kind!: PrincipalKind;
  @Field() label!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Tier) tier!: Tier;
  @Field({ description: 'True for platform admins, who see every namespace' }) allNamespaces!: boolean;
  @Field(() => [String]) namespaces!: string[];
  @Field(() => [String]) scopes!: string[];
  @Field(() => TierLimits) limits!: TierLimits;
  @Field(() => Int, { nullable: true, description: 'Effective requests per minute (null = unlimited)' }) requestsPerMinute!: number | null;
  @Field(() => User, { nullable: true }) user!: User | null;
}

@ObjectType()
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field() at!: Date;
  @Field() actorType!: string;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field() actorLabel!: string;
  @Field() action!: string;
  @Field() outcome!: string;
  @Field(() => String, { nullable: true }) targetType!: string | null;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => String, { nullable: true }) namespace!: string | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field(() => JSONResolver, { nullable: true }) details!: unknown;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEvent]) nodes!: AuditEvent[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
