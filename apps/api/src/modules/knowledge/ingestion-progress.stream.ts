/**
 * The ingestionProgress stream of one document: the worker's KNOWLEDGE_INGESTION events for
 * it, after a snapshot of where it stands (so a client that subscribes after the mutation
 * returned, or after the document finished, still sees the end), ending after READY or
 * FAILED. While waiting it re-reads the document every few seconds, so an event lost between
 * the snapshot and the Redis subscription taking effect cannot leave the client hanging.
 */
import type { KnowledgeIngestionPayload } from '@aivillage/pubsub';

export interface DocumentState {
  namespace: string;
  status: string;
  chunkCount: number;
  entityCount: number;
  relationCount: number;
  error: string | null;
  updatedAt: Date;
}

const FINAL = new Set(['READY', 'FAILED']);

function fromState(documentId: string, d: DocumentState): KnowledgeIngestionPayload | null {
  const base = { documentId, namespace: d.namespace, at: d.updatedAt.toISOString() };
  if (d.status === 'PENDING') return { ...base, stage: 'QUEUED' };
  if (d.status === 'READY') return { ...base, stage: 'READY', chunks: d.chunkCount, embedded: d.chunkCount, entities: d.entityCount, relations: d.relationCount };
  if (d.status === 'FAILED') return { ...base, stage: 'FAILED', error: d.error };
  return null; // PROCESSING: the next event says which stage
}

export async function* ingestionProgressStream(
  source: AsyncIterable<KnowledgeIngestionPayload>,
  documentId: string,
  read: () => Promise<DocumentState | null>,
  pollMs = 2000,
): AsyncGenerator<KnowledgeIngestionPayload> {
  const events = source[Symbol.asyncIterator]();
  // Start listening before the snapshot, so nothing published after it is missed.
  let pending = events.next();
  try {
    const state = await read();
    if (!state) return;
    const first = fromState(documentId, state);
    if (first) {
      yield first;
      if (FINAL.has(first.stage)) return;
    }
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), pollMs)));
      const next = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (next === 'tick') {
        const now = await read();
        const s = now && fromState(documentId, now);
        if (!now || (s && FINAL.has(s.stage))) {
          if (s) yield s;
          return;
        }
        continue;
      }
      if (next.done) return;
      pending = events.next();
      const e = next.value;
      if (e.documentId !== documentId) continue;
      yield e;
      if (FINAL.has(e.stage)) return;
    }
  } finally {
    await events.return?.();
  }
}
