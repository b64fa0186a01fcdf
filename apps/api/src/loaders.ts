/**
 * Per-request DataLoaders (Keystone's pattern): created lazily on first use in a
 * context, batching `where: { id: { in: ids } }` into one query and answering in key
 * order, so a list of N rows never costs N queries. Domains add their loaders here.
 */
import DataLoader from 'dataloader';
import type { ModelVersion, Namespace, Peer, PeerLink, PrismaClient, TrainingPhaseExecution } from '@aivillage/db';
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
    /** Links other peers report towards a peer, by peer id. */
    get peerLinksIn() {
      return (peerLinksIn ??= new DataLoader(async (ids: readonly string[]) =>
        groupBy(ids, await prisma.peerLink.findMany({ where: { toPeerId: { in: [...ids] } }, orderBy: [{ transport: 'asc' }, { latencyMs: 'asc' }] }), (l) => l.toPeerId),
      ));
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
