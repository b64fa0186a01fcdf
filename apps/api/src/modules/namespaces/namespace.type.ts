import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Namespace', { description: 'A tenant boundary: every domain row belongs to one namespace' })
export class NamespaceType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field() createdAt!: Date;
}
