import { Field, InputType, Int } from 'type-graphql';
import { Role, Tier } from './access.type.js';

@InputType()
export class CreateUserInput {
  @Field() email!: string;
  @Field({ description: 'At least 10 characters' }) password!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Role, { defaultValue: Role.VIEWER }) role!: Role;
}

@InputType()
export class UpdateUserInput {
  @Field(() => Role, { nullable: true }) role?: Role | null;
  @Field(() => Boolean, { nullable: true }) disabled?: boolean | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field() namespace!: string;
  @Field(() => Tier, { defaultValue: Tier.BRONZE }) tier!: Tier;
  @Field(() => [String], { defaultValue: ['read'], description: 'read, write, metrics' }) scopes!: string[];
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
  @Field(() => Int, { nullable: true, description: 'Platinum only' }) rateLimitPerMinute?: number | null;
}
