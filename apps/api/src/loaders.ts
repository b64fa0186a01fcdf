/**
 * Per-request DataLoaders (Keystone's pattern): created lazily on first use in a
 * context, batching `where: { id: { in: ids } }` into one query and answering in key
 * order, so a list of N rows never costs N queries. Domains add their loaders here.
 */
import DataLoader from 'dataloader';
import type { Chunk, Document, Entity, Relation } from '@aivillage/db';
import type { MeshTopology, ModelVersion, Namespace, Peer, PeerLink, PrismaClient, TrainingPhaseExecution } from '@aivillage/db';

type MeshTopologyRow = Omit<MeshTopology, 'graph'>;
type LinkSample = { at: Date; latencyMs: number; throughputMbps: number; successRate: number };
import type { ModelRegistryService } from '@aivillage/models';

/** Orders rows to match `keys` (missing keys → null), as DataLoader requires. */
export function inKeyOrder<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => byKey.get(k) ?? null);
}

/** Groups rows under `keys` (every key gets an array, possibly empty), as DataLoader requires. */
export function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((k) => [k, []]));
  for (const r of rows) groups.get(keyOf(r))?.push(r);
  return keys.map((k) => groups.get(k)!);
}

/** A phase without its blobs (hand-off and checkpoint), which reads never need. */
export type PhaseRow = Omit<TrainingPhaseExecution, 'output' | 'checkpoint'>;

type Loader<K, V> = DataLoader<K, V> | undefined;
type VersionRows = Awaited<ReturnType<ModelRegistryService['versionsOf']>>[number];
type AliasRows = Awaited<ReturnType<ModelRegistryService['aliasesOf']>>[number];

export function createLoaders({ prisma, models }: { prisma: PrismaClient; models: ModelRegistryService }) {
  let namespaceById: Loader<string, Namespace | null>;
  let modelVersions: Loader<string, VersionRows>;
  let modelAliases: Loader<string, AliasRows>;
  let trainingPhases: Loader<string, PhaseRow[]>;
  let trainingArtifactsByRun: Loader<string, ModelVersion[]>;
  let peerById: Loader<string, Peer | null>;
  let peerLinksOut: Loader<string, PeerLink[]>;
  let peerLinksIn: Loader<string, PeerLink[]>;
  const peerLinkHistory = new Map<number, DataLoader<string, LinkSample[]>>();
  let meshTopologyById: Loader<string, MeshTopologyRow | null>;
  let meshGraphById: Loader<string, unknown>;
  let documentById: Loader<string, Omit<Document, 'content'> | null>;
  let documentChunks: Loader<string, Chunk[]>;
  let chunkById: Loader<string, Chunk | null>;
  let entityById: Loader<string, Entity | null>;
  let relationById: Loader<string, Relation | null>;
  return {
    get namespaceById() {
      return (namespaceById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.namespace.findMany({ where: { id: { in: [...ids] } } }), (n) => n.id),
      ));
    },
    /** Versions of a model by model id, newest first. */
    get modelVersions() {
      return (modelVersions ??= new DataLoader((ids: readonly string[]) => models.versionsOf(ids)));
    },
    /** Aliases of a model by model id (with their version numbers), by alias. */
    get modelAliases() {
      return (modelAliases ??= new DataLoader((ids: readonly string[]) => models.aliasesOf(ids)));
    },
    /** Phases of a training run by run id, in pipeline order. */
    get trainingPhases() {
      return (trainingPhases ??= new DataLoader(async (ids: readonly string[]) =>
        groupBy(ids, await prisma.trainingPhaseExecution.findMany({ where: { runId: { in: [...ids] } }, orderBy: { position: 'asc' }, omit: { output: true, checkpoint: true } }), (p) => p.runId),
      ));
    },
    /** Model versions a training run produced, by run id, oldest first. */
    get trainingArtifactsByRun() {
      return (trainingArtifactsByRun ??= new DataLoader(async (ids: readonly string[]) =>
        groupBy(ids, await prisma.modelVersion.findMany({ where: { trainingRunId: { in: [...ids] } }, orderBy: { createdAt: 'asc' } }), (v) => v.trainingRunId!),
      ));
    },
    /** Peers by id (callers check visibility: a link's ends share its namespace). */
    get peerById() {
      return (peerById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.peer.findMany({ where: { id: { in: [...ids] } } }), (p) => p.id),
      ));
    },
    /** Links a peer reports (from it), by peer id, fastest first per transport. */
    get peerLinksOut() {
      return (peerLinksOut ??= new DataLoader(async (ids: readonly string[]) =>
        groupBy(ids, await prisma.peerLink.findMany({ where: { fromPeerId: { in: [...ids] } }, orderBy: [{ transport: 'asc' }, { latencyMs: 'asc' }] }), (l) => l.fromPeerId),
      ));
    },
    /** A link's last `limit` reports by link id, oldest first (one query per limit for all links asked). */
    peerLinkHistory(limit: number) {
      let loader = peerLinkHistory.get(limit);
      if (!loader) {
        loader = new DataLoader(async (ids: readonly string[]) => {
          const rows = await prisma.$queryRaw<(LinkSample & { link_id: string })[]>`
            SELECT link_id, at, latency_ms AS "latencyMs", throughput_mbps AS "throughputMbps", success_rate AS "successRate"
            FROM (SELECT s.*, row_number() OVER (PARTITION BY link_id ORDER BY at DESC) AS rn FROM peer_link_samples s WHERE link_id = ANY(${[...ids]}::uuid[])) r
            WHERE rn <= ${limit} ORDER BY at ASC`;
          return groupBy(ids, rows, (r) => r.link_id).map((list) => list.map(({ at, latencyMs, throughputMbps, successRate }) => ({ at, latencyMs, throughputMbps, successRate })));
        });
        peerLinkHistory.set(limit, loader);
      }
      return loader;
    },
    /** Generated topologies by id, without their graphs (callers check visibility: a simulation shares its topology's namespace). */
    get meshTopologyById() {
      return (meshTopologyById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, (await prisma.meshTopology.findMany({ where: { id: { in: [...ids] } }, omit: { graph: true } })) as MeshTopologyRow[], (t) => t.id),
      ));
    },
    /** Drawable graphs of generated topologies by id (read as JSON text: Prisma's JSON path is slow for ~0.5 MB). */
    get meshGraphById() {
      return (meshGraphById ??= new DataLoader(async (ids: readonly string[]) => {
        const rows = await prisma.$queryRaw<{ id: string; graph: string | null }[]>`SELECT id, graph::text AS graph FROM mesh_topologies WHERE id = ANY(${[...ids]}::uuid[])`;
        return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r?.graph ? JSON.parse(r.graph) : null));
      }));
    },
    /** Links other peers report towards a peer, by peer id. */
    get peerLinksIn() {
      return (peerLinksIn ??= new DataLoader(async (ids: readonly string[]) =>
        groupBy(ids, await prisma.peerLink.findMany({ where: { toPeerId: { in: [...ids] } }, orderBy: [{ transport: 'asc' }, { latencyMs: 'asc' }] }), (l) => l.toPeerId),
      ));
    },
    /** Documents by id, without their text (callers check visibility). */
    get documentById() {
      return (documentById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.document.findMany({ where: { id: { in: [...ids] } }, omit: { content: true } }), (d) => d.id),
      ));
    },
    /** Chunks of a document by document id, in position order. */
    get documentChunks() {
      return (documentChunks ??= new DataLoader(async (ids: readonly string[]) =>
        groupBy(ids, await prisma.chunk.findMany({ where: { documentId: { in: [...ids] } }, orderBy: [{ documentId: 'asc' }, { position: 'asc' }] }), (c) => c.documentId),
      ));
    },
    get chunkById() {
      return (chunkById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.chunk.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id),
      ));
    },
    /** Knowledge-graph entities and relations by id (reached from results the caller may see). */
    get entityById() {
      return (entityById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.entity.findMany({ where: { id: { in: [...ids] } } }), (e) => e.id),
      ));
    },
    get relationById() {
      return (relationById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.relation.findMany({ where: { id: { in: [...ids] } } }), (r) => r.id),
      ));
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
