/**
 * Models: the registry (models, immutable versions, aliases). Thin: rules live in
 * libs/models (ModelRegistryService); uploads go through POST /v1/models/artifacts.
 * Writes need DEVELOPER in the namespace; reads see the caller's namespaces only.
 */
import { assertNamespace, inNamespaces } from '@aivillage/auth';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { RegisterModelVersionInput } from './model.input.js';
import { toModel, toModelVersion } from './model.mapper.js';
import { ModelAlias, ModelConnection, ModelType, ModelVersionType } from './model.type.js';

@Resolver(() => ModelType)
export class ModelResolver {
  @Query(() => ModelConnection, { description: 'Models in the namespaces the caller may see, by name' })
  async models(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ModelConnection> {
    if (namespace != null) assertNamespace(ctx.principal, namespace);
    const page = await ctx.deps.models.listModels({ visible: inNamespaces(ctx.principal), namespace, first, after });
    return {
      nodes: page.nodes.map(toModel),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.at(-1)?.id ?? null },
    };
  }

  @Query(() => ModelType, { description: 'One model by name; NOT_FOUND when there is none' })
  async model(
    @Arg('name') name: string,
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
    @Ctx() ctx: Context,
  ): Promise<ModelType> {
    assertNamespace(ctx.principal, namespace);
    return toModel(await ctx.deps.models.getModel(namespace, name));
  }

  @Mutation(() => ModelVersionType, { description: 'Registers an uploaded artifact as the next version of a model (created on its first version)' })
  async registerModelVersion(@Arg('input') input: RegisterModelVersionInput, @Ctx() ctx: Context): Promise<ModelVersionType> {
    const p = ctx.principal;
    assertNamespace(p, input.namespace, 'DEVELOPER');
    // With AUTH_DISABLED (benchmarks) the caller is no real user row.
    const createdById = p.kind === 'user' && !ctx.deps.config.AUTH_DISABLED ? p.userId : null;
    const { version } = await ctx.deps.models.registerVersion({ ...input, createdById });
    return toModelVersion(version);
  }

  @Mutation(() => ModelType, { description: 'Points an alias at a version of the model, or removes it with version: null' })
  async setModelAlias(
    @Arg('model') model: string,
    @Arg('alias') alias: string,
    @Arg('version', () => Int, { nullable: true }) version: number | null,
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
    @Ctx() ctx: Context,
  ): Promise<ModelType> {
    assertNamespace(ctx.principal, namespace, 'DEVELOPER');
    return toModel(await ctx.deps.models.setAlias(namespace, model, alias, version));
  }

  @Mutation(() => ModelType, { description: 'Deletes a version no alias points to; its artifact goes when no version uses it' })
  async deleteModelVersion(
    @Arg('model') model: string,
    @Arg('version', () => Int) version: number,
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
    @Ctx() ctx: Context,
  ): Promise<ModelType> {
    assertNamespace(ctx.principal, namespace, 'DEVELOPER');
    return toModel(await ctx.deps.models.deleteVersion(namespace, model, version));
  }

  @FieldResolver(() => [ModelVersionType], { description: 'Newest first' })
  async versions(@Root() model: ModelType, @Ctx() ctx: Context): Promise<ModelVersionType[]> {
    return (await ctx.loaders.modelVersions.load(model.id)).map(toModelVersion);
  }

  @FieldResolver(() => ModelVersionType, { nullable: true })
  async latestVersion(@Root() model: ModelType, @Ctx() ctx: Context): Promise<ModelVersionType | null> {
    const [latest] = await ctx.loaders.modelVersions.load(model.id);
    return latest ? toModelVersion(latest) : null;
  }

  @FieldResolver(() => [ModelAlias])
  async aliases(@Root() model: ModelType, @Ctx() ctx: Context): Promise<ModelAlias[]> {
    return (await ctx.loaders.modelAliases.load(model.id)).map((a) => ({ alias: a.alias, version: a.version.version }));
  }
}

@Resolver(() => ModelVersionType)
export class ModelVersionFieldsResolver {
  @FieldResolver(() => [String], { description: 'Aliases pointing at this version' })
  async aliases(@Root() version: ModelVersionType, @Ctx() ctx: Context): Promise<string[]> {
    return (await ctx.loaders.modelAliases.load(version.modelId)).filter((a) => a.versionId === version.id).map((a) => a.alias);
  }
}
