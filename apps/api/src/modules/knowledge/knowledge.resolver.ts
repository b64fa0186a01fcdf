/**
 * Knowledge (HyperRAG): documents in and out, ingestion progress, hybrid search and graph
 * queries. Thin: rules live in libs/knowledge (DocumentService, KnowledgeSearchService,
 * KnowledgeGraphService); ingestion runs on workers. Writes need DEVELOPER in the namespace,
 * reads any role there. Queries without `namespace` use the caller's only namespace (an API
 * key's), else `default`.
 */
import { assertNamespace, inNamespaces, type Principal } from '@aivillage/auth';
import { Arg, Ctx, Float, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { KnowledgeIngestionPayload } from '@aivillage/pubsub';
import type { Context } from '../../context.js';
import { ingestionProgressStream } from './ingestion-progress.stream.js';
import { DocumentFilter, IngestDocumentInput, RelationInput } from './knowledge.input.js';
import { toDocument, toEntity, toHit, toProgress } from './knowledge.mapper.js';
import {
  AddRelationsResult, DocumentConnection, DocumentType, IngestionProgress, KnowledgeHit, KnowledgeNeighborhood, KnowledgePaths,
  KnowledgeSearchMode,
} from './knowledge.type.js';

/** The namespace a read is about: the argument, else the caller's only namespace, else `default`. */
export function readNamespace(p: Principal, namespace: string | null | undefined): string {
  const ns = namespace ?? (p.namespaces !== 'all' && p.namespaces.length === 1 ? p.namespaces[0] : 'default');
  assertNamespace(p, ns);
  return ns;
}

@Resolver(() => DocumentType)
export class KnowledgeResolver {
  @Mutation(() => DocumentType, {
    description: 'Stores a document and queues its ingestion; returns at once (PENDING). The same text again in the namespace returns the existing document. Empty text is BAD_USER_INPUT, text over KNOWLEDGE_MAX_DOCUMENT_BYTES PAYLOAD_TOO_LARGE',
  })
  async ingestDocument(@Arg('input') input: IngestDocumentInput, @Ctx() ctx: Context): Promise<DocumentType> {
    assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const { document } = await ctx.deps.documents.ingest(input);
    return toDocument(document, input.namespace);
  }

  @Mutation(() => [DocumentType], { description: 'ingestDocument for many documents, in order; all are validated before any is stored' })
  async ingestDocuments(@Arg('inputs', () => [IngestDocumentInput]) inputs: IngestDocumentInput[], @Ctx() ctx: Context): Promise<DocumentType[]> {
    for (const input of inputs) assertNamespace(ctx.principal, input.namespace, 'DEVELOPER');
    const results = await ctx.deps.documents.ingestMany(inputs, ctx.deps.config.KNOWLEDGE_MAX_BATCH_DOCUMENTS);
    return results.map((r, i) => toDocument(r.document, inputs[i].namespace));
  }

  @Mutation(() => DocumentType, { description: 'Deletes a document, its chunks, the relations only it was evidence of and entities left with neither relations nor mentions' })
  async deleteDocument(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DocumentType> {
    const doc = await ctx.deps.documents.get(id, inNamespaces(ctx.principal));
    assertNamespace(ctx.principal, doc.namespace.name, 'DEVELOPER');
    const deleted = await ctx.deps.documents.delete(id, inNamespaces(ctx.principal));
    return toDocument(deleted, deleted.namespace.name);
  }

  @Mutation(() => AddRelationsResult, { description: 'Explicit triples (no evidence chunk); missing entities are created; an existing triple gets the new confidence' })
  async addRelations(
    @Arg('namespace', { defaultValue: 'default' }) namespace: string,
    @Arg('relations', () => [RelationInput]) relations: RelationInput[],
    @Ctx() ctx: Context,
  ): Promise<AddRelationsResult> {
    assertNamespace(ctx.principal, namespace, 'DEVELOPER');
    return ctx.deps.knowledgeGraph.addRelations(namespace, relations);
  }

  @Query(() => DocumentType, { description: 'One document; NOT_FOUND when it does not exist or is not visible' })
  async document(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DocumentType> {
    const doc = await ctx.deps.documents.get(id, inNamespaces(ctx.principal));
    return toDocument(doc, doc.namespace.name);
  }

  @Query(() => DocumentConnection, { description: 'Documents the caller may see, newest first' })
  async documents(
    @Arg('filter', () => DocumentFilter, { nullable: true }) filter: DocumentFilter | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<DocumentConnection> {
    if (filter?.namespace != null) assertNamespace(ctx.principal, filter.namespace);
    const page = await ctx.deps.documents.list({ visible: inNamespaces(ctx.principal), namespace: filter?.namespace, status: filter?.status, first, after });
    return { nodes: page.nodes.map((d) => toDocument(d, d.namespace.name)), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.at(-1)?.id ?? null } };
  }

  @Query(() => [KnowledgeHit], { description: 'Chunks relevant to a query, best first, with each retrieval leg\'s rank and score. Results are cached until the namespace changes' })
  async searchKnowledge(
    @Arg('query') query: string,
    @Arg('topK', () => Int, { defaultValue: 10, description: '1..100' }) topK: number,
    @Arg('mode', () => KnowledgeSearchMode, { defaultValue: KnowledgeSearchMode.HYBRID }) mode: KnowledgeSearchMode,
    @Arg('minScore', () => Float, { nullable: true, description: 'Drop hits scoring below it (see KnowledgeHit.score)' }) minScore: number | null,
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('vector', () => [Float], { nullable: true, description: "A query vector (the namespace's dimension) instead of embedding `query`" }) vector: number[] | null,
    @Ctx() ctx: Context,
  ): Promise<KnowledgeHit[]> {
    const ns = readNamespace(ctx.principal, namespace);
    const result = await ctx.deps.knowledgeSearch.search({ namespace: ns, query, topK, mode, minScore, vector });
    return result.hits.map((h) => toHit(h, ns));
  }

  @Query(() => KnowledgeNeighborhood, { description: 'Entities within `hops` (1..5) of an entity (name or key), either direction of each relation' })
  async knowledgeNeighborhood(
    @Arg('entity') entity: string,
    @Arg('hops', () => Int, { defaultValue: 1 }) hops: number,
    @Arg('limit', () => Int, { nullable: true, description: 'Nodes returned at most (default 100)' }) limit: number | null,
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Ctx() ctx: Context,
  ): Promise<KnowledgeNeighborhood> {
    const r = await ctx.deps.knowledgeGraph.neighbourhood(readNamespace(ctx.principal, namespace), entity, hops, limit);
    return { entity: toEntity(r.entity), truncated: r.truncated, nodes: r.nodes.map((n) => ({ entity: toEntity(n.entity), distance: n.distance, parentId: n.parentId, relationId: n.relationId })) };
  }

  @Query(() => KnowledgePaths, { description: 'All shortest paths of at most maxHops (1..5) between two entities (bidirectional search)' })
  async knowledgePaths(
    @Arg('from') from: string,
    @Arg('to') to: string,
    @Arg('maxHops', () => Int, { defaultValue: 3 }) maxHops: number,
    @Arg('limit', () => Int, { nullable: true, description: 'Paths returned at most (default 10)' }) limit: number | null,
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Ctx() ctx: Context,
  ): Promise<KnowledgePaths> {
    const r = await ctx.deps.knowledgeGraph.paths(readNamespace(ctx.principal, namespace), from, to, maxHops, limit);
    return { from: toEntity(r.from), to: toEntity(r.to), hops: r.hops, truncated: r.truncated, paths: r.paths.map((p) => ({ entities: p.entities.map(toEntity), relationIds: p.relationIds })) };
  }

  @Subscription(() => IngestionProgress, {
    description: "A document's ingestion stages as they happen (QUEUED, CHUNKING, EMBEDDING per batch, EXTRACTING, WRITING, READY or FAILED with counts); starts with where it stands and ends after READY or FAILED",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const id = args.documentId as string;
      const doc = await ctx.deps.documents.get(id, inNamespaces(ctx.principal)); // NOT_FOUND unless visible
      const read = async () => {
        const d = await ctx.prisma.document.findUnique({ where: { id }, select: { status: true, chunkCount: true, entityCount: true, relationCount: true, error: true, updatedAt: true } });
        return d && { ...d, namespace: doc.namespace.name };
      };
      return ingestionProgressStream(ctx.pubsub.subscribe('KNOWLEDGE_INGESTION'), id, read);
    },
  })
  ingestionProgress(@Root() p: KnowledgeIngestionPayload, @Arg('documentId', () => ID) _documentId: string): IngestionProgress {
    return toProgress(p);
  }
}
