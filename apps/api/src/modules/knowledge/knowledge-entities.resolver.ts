/**
 * `knowledgeEntities`: entity lookup for pickers (the console's graph explorer autocompletes
 * with it). Same access rule as the other knowledge reads: any role in the namespace, which
 * defaults to the caller's only namespace, else `default`. The rules live in
 * KnowledgeEntityService; it holds nothing but the Prisma client, so one per call is free.
 */
import { KnowledgeEntityService } from '@aivillage/knowledge/store';
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { readNamespace } from './knowledge.resolver.js';
import { toEntity } from './knowledge.mapper.js';
import { EntityObject } from './knowledge.type.js';

@Resolver()
export class KnowledgeEntitiesResolver {
  @Query(() => [EntityObject], {
    description:
      'Entities whose key starts with the search (normalised as entity keys are) or has a word starting with it, then those whose name or an alias contains it; best-connected first within each. For pickers: 1..256 characters',
  })
  async knowledgeEntities(
    @Arg('search') search: string,
    @Arg('first', () => Int, { defaultValue: 20, description: '1..100' }) first: number,
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Ctx() ctx: Context,
  ): Promise<EntityObject[]> {
    const matches = await new KnowledgeEntityService({ prisma: ctx.prisma }).search(readNamespace(ctx.principal, namespace), search, first);
    return matches.map((m) => toEntity(m.entity));
  }
}
