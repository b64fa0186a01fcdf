import { canAccessNamespace, namespaceWhere } from '@aivillage/auth';
import { badInput } from '@aivillage/errors';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { NamespaceType } from './namespace.type.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Resolver(() => NamespaceType)
export class NamespaceResolver {
  @Query(() => [NamespaceType], { description: 'The namespaces the caller may see, by name' })
  namespaces(@Ctx() ctx: Context): Promise<NamespaceType[]> {
    return ctx.prisma.namespace.findMany({ where: namespaceWhere(ctx.principal), orderBy: { name: 'asc' } });
  }

  @Query(() => NamespaceType, { nullable: true })
  async namespace(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<NamespaceType | null> {
    if (!UUID.test(id)) throw badInput('id must be a UUID', { field: 'id' });
    const ns = await ctx.loaders.namespaceById.load(id);
    // Someone else's namespace looks the same as a missing one.
    return ns && canAccessNamespace(ctx.principal, ns.name) ? ns : null;
  }
}
