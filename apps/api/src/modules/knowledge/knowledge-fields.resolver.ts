/** Field resolvers of the knowledge types: relations between rows, through per-request DataLoaders. */
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { toChunk, toDocument, toEntity, toRelation } from './knowledge.mapper.js';
import { ChunkType, DocumentType, EntityObject, KnowledgePath, NeighborhoodNode, RelationObject } from './knowledge.type.js';

@Resolver(() => DocumentType)
export class DocumentFieldsResolver {
  @FieldResolver(() => [ChunkType], { description: 'Chunks in position order (empty until READY)' })
  async chunks(@Root() doc: DocumentType, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: Context): Promise<ChunkType[]> {
    return (await ctx.loaders.documentChunks.load(doc.id)).slice(0, Math.max(0, first)).map(toChunk);
  }
}

@Resolver(() => ChunkType)
export class ChunkFieldsResolver {
  @FieldResolver(() => DocumentType)
  async document(@Root() chunk: ChunkType, @Ctx() ctx: Context): Promise<DocumentType> {
    const d = (await ctx.loaders.documentById.load(chunk.documentId))!;
    return toDocument(d, (await ctx.loaders.namespaceById.load(d.namespaceId))!.name);
  }
}

@Resolver(() => RelationObject)
export class RelationFieldsResolver {
  @FieldResolver(() => EntityObject)
  async subject(@Root() r: RelationObject, @Ctx() ctx: Context): Promise<EntityObject> {
    return toEntity((await ctx.loaders.entityById.load(r.subjectId))!);
  }

  @FieldResolver(() => EntityObject)
  async object(@Root() r: RelationObject, @Ctx() ctx: Context): Promise<EntityObject> {
    return toEntity((await ctx.loaders.entityById.load(r.objectId))!);
  }

  @FieldResolver(() => ChunkType, { nullable: true, description: 'The chunk it was extracted from; null for explicit relations' })
  async evidence(@Root() r: RelationObject, @Ctx() ctx: Context): Promise<ChunkType | null> {
    if (!r.evidenceChunkId) return null;
    const c = await ctx.loaders.chunkById.load(r.evidenceChunkId);
    return c && toChunk(c);
  }
}

@Resolver(() => NeighborhoodNode)
export class NeighborhoodNodeFieldsResolver {
  @FieldResolver(() => EntityObject, { description: 'Its neighbour one hop closer to the start (smallest key)' })
  async parent(@Root() n: NeighborhoodNode, @Ctx() ctx: Context): Promise<EntityObject> {
    return toEntity((await ctx.loaders.entityById.load(n.parentId))!);
  }

  @FieldResolver(() => RelationObject, { description: 'The relation joining it to its parent' })
  async via(@Root() n: NeighborhoodNode, @Ctx() ctx: Context): Promise<RelationObject> {
    return toRelation((await ctx.loaders.relationById.load(n.relationId))!);
  }
}

@Resolver(() => KnowledgePath)
export class KnowledgePathFieldsResolver {
  @FieldResolver(() => [RelationObject], { description: 'One per hop, in path order' })
  async relations(@Root() p: KnowledgePath, @Ctx() ctx: Context): Promise<RelationObject[]> {
    return (await ctx.loaders.relationById.loadMany(p.relationIds)).map((r) => toRelation(r as never));
  }
}
