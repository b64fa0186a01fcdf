/**
 * Knowledge end to end, against a real API and worker (isolated schema and Redis prefix):
 * ingestion of State of the Union addresses through the queue with the progress subscription,
 * idempotency, every search mode and the legs' ranks, cache invalidation, deletion cleanup,
 * neighbourhoods and paths on a WordNet subset checked against libs/knowledge's in-memory
 * reference, in-process graph snapshots against SQL (and their invalidation), every bad-input
 * case, the iterative HNSW scan under a namespace filter, and a worker killed mid-ingest.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { pgPool, Prisma } from '@aivillage/db';
import { buildGraphIndex, findPaths, HashingEmbedder, loadSotu, loadWordNetGraph, neighbourhood, normalizeEntityName, type GraphIndex } from '@aivillage/knowledge';
import {
  graphSql, GraphSnapshots, hnswVectorSql, KnowledgeCache, KnowledgeGraphService, KnowledgeSearchService, pooledRows, searchSettingsSql, vectorLiteral,
  type GraphQuerySource,
} from '@aivillage/knowledge/store';
import { DEFAULT_REDIS_URL } from '@aivillage/config';
import { createRedis } from '@aivillage/queues';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestStack, stopChild, type TestStack } from '../../test-stack.js';

let stack: TestStack;
const MAX_BYTES = 300_000;

const DOC_FIELDS = 'id namespace title source status error chunkCount entityCount relationCount embedder dimension attempts contentHash sizeBytes';
const INGEST = `mutation($i: IngestDocumentInput!) { ingestDocument(input: $i) { ${DOC_FIELDS} } }`;
const INGEST_MANY = `mutation($i: [IngestDocumentInput!]!) { ingestDocuments(inputs: $i) { ${DOC_FIELDS} } }`;
const DOCUMENT = `query($id: ID!) { document(id: $id) { ${DOC_FIELDS} chunks(first: 1000) { id position text tokenCount charStart charEnd } } }`;
const SEARCH = `query($q: String!, $k: Int, $m: KnowledgeSearchMode, $min: Float, $ns: String, $v: [Float!]) {
  searchKnowledge(query: $q, topK: $k, mode: $m, minScore: $min, namespace: $ns, vector: $v) {
    score chunk { id position text document { id } } document { id title source }
    vector { rank score } keyword { rank score } graph { rank score } } }`;
const NEIGHBORHOOD = `query($e: String!, $h: Int, $l: Int, $ns: String) { knowledgeNeighborhood(entity: $e, hops: $h, limit: $l, namespace: $ns) {
  entity { key } truncated nodes { distance entity { key } parent { key } via { kind label subject { key } object { key } } } } }`;
const PATHS = `query($f: String!, $t: String!, $h: Int, $l: Int, $ns: String) { knowledgePaths(from: $f, to: $t, maxHops: $h, limit: $l, namespace: $ns) {
  hops truncated from { key } to { key } paths { entities { key } relations { kind label } } } }`;
const ADD_RELATIONS = `mutation($ns: String!, $r: [RelationInput!]!) { addRelations(namespace: $ns, relations: $r) { relations relationsCreated entitiesCreated } }`;

async function gql(query: string, variables?: Record<string, unknown>, key?: string): Promise<any> {
  const r = await stack.gql(query, variables, key ? { key } : {});
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data;
}

async function gqlError(query: string, variables?: Record<string, unknown>, key?: string): Promise<{ code: string; message: string }> {
  const r = await stack.gql(query, variables, key ? { key } : {});
  assert.ok(r.body.errors?.length, `expected an error, got ${JSON.stringify(r.body.data)}`);
  return { code: r.body.errors[0].extensions?.code, message: r.body.errors[0].message };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const waitReady = (id: string, key?: string) =>
  waitFor(`document ${id} READY`, async () => {
    const d = (await gql(DOCUMENT, { id }, key)).document;
    if (d.status === 'FAILED') throw new Error(`document failed: ${d.error}`);
    return d.status === 'READY' ? d : null;
  });

/** Collects ingestionProgress events of a document over WebSocket until the stream completes. */
function progressOf(documentId: string, key = stack.adminKey): Promise<any[]> {
  const client = createClient({ url: `${stack.apis[0].url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` } });
  const events: any[] = [];
  return new Promise<any[]>((resolve, reject) => {
    client.subscribe(
      { query: 'subscription($id: ID!) { ingestionProgress(documentId: $id) { documentId namespace stage chunks embedded entities relations error } }', variables: { id: documentId } },
      { next: (v) => (v.errors ? reject(new Error(JSON.stringify(v.errors))) : events.push(v.data!.ingestionProgress)), error: reject, complete: () => resolve(events) },
    );
  }).finally(() => client.dispose());
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${stack.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
  const text = await res.text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.split(' ').at(-1));
  }
  return total;
}

const sotu = loadSotu({ years: [1945, 1947, 1962, 1964] });

before(async () => {
  stack = await startTestStack({
    apis: 1,
    workers: 1,
    // Namespaces above 100 chunks go through HNSW (the default, 2,000, would search the test's small ones exactly).
    env: { KNOWLEDGE_MAX_DOCUMENT_BYTES: String(MAX_BYTES), MAX_BODY_BYTES: '2000000', KNOWLEDGE_LOCK_MS: '1500', KNOWLEDGE_EMBED_BATCH: '16', KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS: '100' },
  });
});
after(() => stack.stop());

describe('ingestion', () => {
  let ids: string[] = [];

  test('ingestDocuments queues every address at once; ingestionProgress streams each stage to READY with the counts', async () => {
    const started = Date.now();
    const docs = (await gql(INGEST_MANY, { i: sotu.map((d) => ({ title: d.title, text: d.text, source: d.source, metadata: { year: d.year, president: d.president } })) })).ingestDocuments;
    assert.ok(Date.now() - started < 2000, 'the mutation returns before the work is done');
    assert.deepEqual(docs.map((d: any) => d.status), ['PENDING', 'PENDING', 'PENDING', 'PENDING']);
    ids = docs.map((d: any) => d.id);
    // One document at a time per worker: the last one is still queued while we subscribe.
    const events = await progressOf(ids[3]);
    const stages = events.map((e) => e.stage);
    assert.equal(stages[0], 'QUEUED');
    assert.deepEqual([...new Set(stages)], ['QUEUED', 'CHUNKING', 'EMBEDDING', 'EXTRACTING', 'WRITING', 'READY']);
    const embedding = events.filter((e) => e.stage === 'EMBEDDING');
    assert.ok(embedding.length >= 2, 'embedding reports each batch');
    assert.deepEqual(embedding.map((e) => e.embedded), [...embedding.map((e) => e.embedded)].sort((a, b) => a - b));
    const ready = events.at(-1);
    const doc = await waitReady(ids[3]);
    assert.equal(ready.chunks, doc.chunkCount);
    assert.equal(ready.entities, doc.entityCount);
    assert.equal(ready.relations, doc.relationCount);
    assert.equal(doc.embedder, 'hashing-ngram-v1-d384');
    assert.equal(doc.dimension, 384);
    assert.equal(doc.chunks.length, doc.chunkCount);
    const text = sotu[3].text;
    for (const c of doc.chunks) assert.equal(c.text, text.slice(c.charStart, c.charEnd), 'chunk offsets point into the text');
    for (const id of ids) await waitReady(id);
    // A finished document's stream is its final state, then the end.
    assert.deepEqual((await progressOf(ids[0])).map((e) => e.stage), ['READY']);
  });

  test('the same text again in the namespace returns the existing document and queues nothing', async () => {
    const again = (await gql(INGEST, { i: { title: 'another title', text: sotu[0].text } })).ingestDocument;
    assert.equal(again.id, ids[0]);
    assert.equal(again.status, 'READY');
    assert.equal(again.attempts, 1);
    assert.equal(await stack.db.prisma.document.count(), 4);
    const elsewhere = await stack.createKey({ namespace: 'copy' });
    const copy = (await gql(INGEST, { i: { namespace: 'copy', title: 'copy', text: sotu[0].text } }, elsewhere.key)).ingestDocument;
    assert.notEqual(copy.id, ids[0], 'dedupe is per namespace');
    await waitReady(copy.id, elsewhere.key);
  });

  test('workers report ingestion figures and the API reports search latency by mode in /metrics', async () => {
    await gql(SEARCH, { q: 'atomic energy', m: 'KEYWORD' });
    assert.ok((await metricValue('aivillage_knowledge_ingested_chunks_total')) > 0);
    assert.ok((await metricValue('aivillage_knowledge_document_duration_seconds_count')) >= 4);
    assert.ok((await metricValue('aivillage_knowledge_search_seconds_count', { mode: 'KEYWORD' })) >= 1);
  });
});

describe('search', () => {
  const search = async (v: Record<string, unknown>) => (await gql(SEARCH, { k: 10, ...v })).searchKnowledge as any[];

  test('VECTOR finds a chunk from its own text first, with cosine similarity as the score and only the vector leg', async () => {
    const doc = (await stack.db.prisma.document.findFirstOrThrow({ where: { title: sotu[1].title } }));
    const chunk = await stack.db.prisma.chunk.findFirstOrThrow({ where: { documentId: doc.id, position: 5 } });
    const hits = await search({ q: chunk.text, m: 'VECTOR' });
    assert.equal(hits.length, 10);
    assert.equal(hits[0].chunk.id, chunk.id);
    assert.ok(hits[0].score > 0.999, `self-similarity ${hits[0].score}`);
    assert.deepEqual(hits.map((h) => h.vector.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
    assert.ok(hits.every((h) => h.keyword === null && h.graph === null && h.vector.score === h.score));
    assert.equal(hits[0].document.title, sotu[1].title);
    const strict = await search({ q: chunk.text, m: 'VECTOR', min: 0.9 });
    assert.ok(strict.length >= 1 && strict.every((h) => h.score >= 0.9));
  });

  test('KEYWORD ranks chunks containing the words (websearch syntax) by ts_rank_cd', async () => {
    const hits = await search({ q: '"social security"', m: 'KEYWORD' });
    assert.ok(hits.length > 0);
    assert.ok(hits.every((h) => /social security/i.test(h.chunk.text)));
    assert.deepEqual(hits.map((h) => h.keyword.rank), hits.map((_, i) => i + 1));
    assert.ok(hits.every((h) => h.vector === null && h.graph === null));
    assert.deepEqual(await search({ q: 'xylophonequux', m: 'KEYWORD' }), []);
  });

  test('GRAPH returns chunks that are evidence of relations around the entities the query names', async () => {
    const hits = await search({ q: 'What about the United Nations?', m: 'GRAPH' });
    assert.ok(hits.length > 0);
    const un = await stack.db.prisma.entity.findMany({ where: { key: 'united nations', namespace: { name: 'default' } } });
    assert.equal(un.length, 1);
    // The top hits are evidence of a relation of the entity itself (hop 1).
    const evidence = await stack.db.prisma.relation.findMany({ where: { OR: [{ subjectId: un[0].id }, { objectId: un[0].id }] }, select: { evidenceChunkId: true } });
    const hop1 = new Set(evidence.map((e) => e.evidenceChunkId));
    assert.ok(hop1.has(hits[0].chunk.id));
    // Evidence of the entity's own relations (score above 1) ranks before 2-hop evidence.
    const firstFar = hits.findIndex((h) => !hop1.has(h.chunk.id));
    assert.ok(hits.every((h, i) => (firstFar === -1 || i < firstFar ? h.score > 1 && hop1.has(h.chunk.id) : h.score < 1)));
    assert.ok(hits.every((h) => h.graph && h.vector === null && h.keyword === null));
  });

  test("HYBRID fuses the legs by reciprocal rank: each hit's legs match the single-leg rankings and its score is Σ 1/(60 + rank)", async () => {
    const q = 'atomic energy and the United Nations';
    const hits = await search({ q, m: 'HYBRID' });
    assert.equal(hits.length, 10);
    const vector = await search({ q, m: 'VECTOR', k: 30 });
    const keyword = await search({ q, m: 'KEYWORD', k: 30 });
    const graph = await search({ q, m: 'GRAPH', k: 30 });
    const rankIn = (list: any[], id: string) => list.findIndex((h) => h.chunk.id === id) + 1 || null;
    let multi = 0;
    for (const h of hits) {
      const legs = { vector: h.vector?.rank ?? null, keyword: h.keyword?.rank ?? null, graph: h.graph?.rank ?? null };
      assert.deepEqual(legs, { vector: rankIn(vector, h.chunk.id), keyword: rankIn(keyword, h.chunk.id), graph: rankIn(graph, h.chunk.id) });
      const expected = [legs.vector, legs.keyword, legs.graph].reduce<number>((s, r) => s + (r ? 1 / (60 + r) : 0), 0);
      assert.ok(Math.abs(h.score - expected) < 1e-12);
      if (Object.values(legs).filter(Boolean).length > 1) multi++;
    }
    assert.ok(multi > 0, 'some hits are found by more than one leg');
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
    const few = await search({ q, m: 'HYBRID', min: hits[2].score });
    assert.deepEqual(few.map((h) => h.chunk.id), hits.slice(0, few.length).map((h) => h.chunk.id));
    assert.ok(few.every((h) => h.score >= hits[2].score));
  });

  test('the GRAPH leg run on a graph snapshot returns exactly what its SQL returns (ids, scores, order), alone and fused', async () => {
    const { prisma } = stack.db;
    const redis = createRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
    const cache = new KnowledgeCache(redis, stack.redisPrefix, 0);
    const snapshots = new GraphSnapshots({ pool: pgPool(prisma), version: (id) => cache.version(id), maxRelations: 1_000_000, debounceMs: 60_000 });
    const deps = { prisma, cache, embedder: async () => new HashingEmbedder(), efSearch: 50, maxScanTuples: 20_000, exactMaxChunks: 100 };
    const sql = new KnowledgeSearchService(deps);
    const mem = new KnowledgeSearchService({ ...deps, snapshots });
    try {
      const nsId = (await prisma.namespace.findUniqueOrThrow({ where: { name: 'default' } })).id;
      const g = await snapshots.refresh(nsId);
      assert.ok(g);
      // Tight limits put ties in confidence right at every cut: both take them in relation-id order.
      const hubs = (await prisma.$queryRaw<{ key: string }[]>`
        SELECT e.key FROM entities e JOIN relations r ON r.subject_id = e.id OR r.object_id = e.id
         WHERE e.namespace_id = ${nsId}::uuid GROUP BY e.key ORDER BY count(*) DESC, e.key LIMIT 12`).map((r) => r.key);
      for (const limits of [{ perEntity: 3, fanout: 4, perNeighbour: 2 }, { perEntity: 40, fanout: 10, perNeighbour: 7 }, {}]) {
        for (const keys of [hubs.slice(0, 1), hubs.slice(3, 5), hubs.slice(6, 12)]) {
          const want = await pooledRows<{ id: string; score: number }>(pgPool(prisma), graphSql(nsId, keys, 60, limits));
          assert.ok(want.length > 0);
          assert.deepEqual(g.graphLeg(keys, 60, limits), want, `${keys} ${JSON.stringify(limits)}`);
        }
      }
      assert.equal(snapshots.current(nsId, await cache.version(nsId)), g, 'the snapshot is current: the GRAPH leg runs on it');
      let found = 0;
      for (const q of ['What about the United Nations?', 'atomic energy and the United Nations', 'Congress and the President', 'Soviet Union', 'taxes', 'war and peace in the world']) {
        for (const [mode, topK] of [['GRAPH', 100], ['GRAPH', 7], ['HYBRID', 10]] as const) {
          const want = await sql.search({ namespace: 'default', query: q, mode, topK });
          assert.deepEqual(await mem.search({ namespace: 'default', query: q, mode, topK }), want, `${mode} ${q}`);
          found += want.hits.length;
        }
      }
      assert.ok(found > 50, `${found} hits compared`);
    } finally {
      snapshots.close();
      redis.disconnect();
    }
  });

  test('results are cached until ingestion, deletion or explicit relations change the namespace', async () => {
    const q = 'quuxplorer';
    const hits = () => search({ q, m: 'KEYWORD' });
    assert.deepEqual(await hits(), []);
    const before = await metricValue('aivillage_knowledge_cache_lookups_total', { result: 'hit' });
    assert.deepEqual(await hits(), []);
    assert.equal(await metricValue('aivillage_knowledge_cache_lookups_total', { result: 'hit' }), before + 1, 'the second search is a cache hit');
    const doc = (await gql(INGEST, { i: { title: 'Quuxplorer', text: 'The Quuxplorer mission reached orbit. The Quuxplorer crew is safe.' } })).ingestDocument;
    await waitReady(doc.id);
    const found = await hits();
    assert.ok(found.length >= 1 && found.every((h) => h.document.id === doc.id), 'ingestion invalidated the cached result');
    await gql('mutation($id: ID!) { deleteDocument(id: $id) { id } }', { id: doc.id });
    assert.deepEqual(await hits(), [], 'deletion invalidated it');

    const around = () => gql(NEIGHBORHOOD, { e: 'Quuxplorer station', h: 1 });
    await gql(ADD_RELATIONS, { ns: 'default', r: [{ subject: 'Quuxplorer station', kind: 'HIERARCHICAL', label: 'part_of', object: 'Quuxplorer program' }] });
    assert.deepEqual((await around()).knowledgeNeighborhood.nodes.map((n: any) => n.entity.key), ['quuxplorer program']);
    await gql(ADD_RELATIONS, { ns: 'default', r: [{ subject: 'Quuxplorer station', kind: 'SEMANTIC', label: 'orbits', object: 'Quuxplorer moon' }] });
    assert.deepEqual((await around()).knowledgeNeighborhood.nodes.map((n: any) => n.entity.key), ['quuxplorer moon', 'quuxplorer program'], 'addRelations invalidated the cached neighbourhood');
  });
});

describe('deletion', () => {
  test('deleteDocument removes its chunks, the relations only it was evidence of and the entities left with nothing; explicit triples stay', async () => {
    const { prisma } = stack.db;
    const text = 'Zorblax causes quintessa fever. Quintessa fever is a kind of glimmer plague. Zorblax resembles vortigan moss. Zorblax spreads in Vortigan swamps.';
    const doc = (await gql(INGEST, { i: { title: 'Zorblax', text } })).ingestDocument;
    await waitReady(doc.id);
    await gql(ADD_RELATIONS, { ns: 'default', r: [{ subject: 'Zorblax', kind: 'HIERARCHICAL', label: 'is_a', object: 'alien organism', confidence: 0.9 }] });
    const keys = async () => (await prisma.entity.findMany({ where: { key: { in: ['zorblax', 'quintessa fever', 'glimmer plague', 'vortigan', 'vortigan moss', 'alien organism'] } }, orderBy: { key: 'asc' } })).map((e) => e.key);
    assert.deepEqual(await keys(), ['alien organism', 'glimmer plague', 'quintessa fever', 'vortigan', 'vortigan moss', 'zorblax']);
    const causal = await prisma.relation.findFirst({ where: { kind: 'CAUSAL', label: 'causes', subject: { key: 'zorblax' } } });
    assert.ok(causal?.evidenceChunkId, 'the extractor found the causal relation, with its evidence chunk');
    const storage = async () => (await prisma.namespace.findUniqueOrThrow({ where: { name: 'default' } })).storageBytesUsed;
    const usedBefore = await storage();

    const deleted = (await gql('mutation($id: ID!) { deleteDocument(id: $id) { id title } }', { id: doc.id })).deleteDocument;
    assert.equal(deleted.id, doc.id);
    assert.equal(await prisma.chunk.count({ where: { documentId: doc.id } }), 0);
    assert.equal(await prisma.relation.count({ where: { id: causal.id } }), 0);
    assert.deepEqual(await keys(), ['alien organism', 'zorblax'], 'only entities kept alive by the explicit triple remain');
    assert.equal(await prisma.relation.count({ where: { subject: { key: 'zorblax' }, evidenceChunkId: null } }), 1);
    assert.equal(await storage(), usedBefore - BigInt(Buffer.byteLength(text)), 'its storage is released');
    assert.equal((await gqlError(DOCUMENT, { id: doc.id })).code, 'NOT_FOUND');
    // Shared entities survive: the SOTU documents still mention Congress.
    assert.equal(await prisma.entity.count({ where: { key: 'congress', namespace: { name: 'default' } } }), 1);
  });
});

describe('graph queries against the in-memory reference (WordNet nouns, first 4,000 synsets)', () => {
  let ref: GraphIndex;
  let ns: { name: string; key: string };
  const keyOf = (id: string) => normalizeEntityName(id);

  before(async () => {
    const wn = await loadWordNetGraph({ maxSynsets: 4000 });
    const created = await stack.createKey({ namespace: 'wordnet' });
    ns = { name: 'wordnet', key: created.key };
    const r = (await gql(ADD_RELATIONS, { ns: ns.name, r: wn.relations.map((x) => ({ subject: x.source, kind: x.kind, label: x.label, object: x.target })) }, ns.key)).addRelations;
    assert.equal(r.relationsCreated, wn.relations.length);
    ref = buildGraphIndex(wn.relations.map((x) => ({ source: keyOf(x.source), target: keyOf(x.target), kind: x.kind })));
  });

  test('knowledgeNeighborhood gives the reference nodes, distances and parents for 1..3 hops', async () => {
    const starts = ['wn:n:00001740', 'wn:n:00002137', ref.ids[100], ref.ids[1234], ref.ids[2900]];
    for (const start of starts) {
      for (const hops of [1, 2, 3]) {
        const got = (await gql(NEIGHBORHOOD, { e: start, h: hops, l: 60, ns: ns.name }, ns.key)).knowledgeNeighborhood;
        const want = neighbourhood(ref, keyOf(start), { maxHops: hops, limit: 60 });
        assert.equal(got.entity.key, keyOf(start));
        assert.deepEqual(got.nodes.map((n: any) => [n.entity.key, n.distance, n.parent.key]), want.nodes.map((n) => [n.id, n.distance, n.via.parent]), `${start} ${hops} hops`);
        assert.equal(got.truncated, want.truncated);
        for (const n of got.nodes) assert.ok([n.via.subject.key, n.via.object.key].sort().join() === [n.entity.key, n.parent.key].sort().join(), 'via joins the node to its parent');
      }
    }
  });

  test('knowledgePaths gives the reference shortest paths (order, count, truncation) for up to 5 hops', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let compared = 0;
    let found = 0;
    for (let i = 0; i < 24; i++) {
      const a = ref.ids[Math.floor(rand() * ref.nodeCount)];
      const b = ref.ids[Math.floor(rand() * ref.nodeCount)];
      const maxHops = 3 + (i % 3);
      const got = (await gql(PATHS, { f: a, t: b, h: maxHops, l: 4, ns: ns.name }, ns.key)).knowledgePaths;
      const want = findPaths(ref, a, b, { maxHops, limit: 4 });
      assert.equal(got.hops, want.hops, `${a} → ${b}`);
      assert.deepEqual(got.paths.map((p: any) => p.entities.map((e: any) => e.key)), want.paths.map((p) => p.nodes));
      assert.equal(got.truncated, want.truncated);
      for (const p of got.paths) assert.equal(p.relations.length, p.entities.length - 1);
      compared++;
      if (want.hops !== null) found++;
    }
    // Also pairs known to be connected: along a 4-hop neighbourhood.
    for (const start of [ref.ids[10], ref.ids[500], ref.ids[3000]]) {
      const far = neighbourhood(ref, start, { maxHops: 4, limit: 100_000 }).nodes.filter((n) => n.distance >= 3).slice(0, 3);
      for (const n of far) {
        const got = (await gql(PATHS, { f: start, t: n.id, h: 5, l: 3, ns: ns.name }, ns.key)).knowledgePaths;
        const want = findPaths(ref, start, n.id, { maxHops: 5, limit: 3 });
        assert.equal(got.hops, want.hops);
        assert.deepEqual(got.paths.map((p: any) => p.entities.map((e: any) => e.key)), want.paths.map((p) => p.nodes));
        assert.equal(got.truncated, want.truncated);
        compared++;
        found++;
      }
    }
    assert.ok(found >= 5, `${found} of ${compared} pairs connected`);
  });

  test('the graph snapshot answers exactly as SQL (ids, parents, relations, order, truncation) and a write makes it stale at once', async () => {
    const { prisma } = stack.db;
    const redis = createRedis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
    const cache = new KnowledgeCache(redis, stack.redisPrefix, 0);
    const sources: GraphQuerySource[] = [];
    let buildError: unknown = null;
    const snapshots = new GraphSnapshots({
      pool: pgPool(prisma), version: (id) => cache.version(id), maxRelations: 1_000_000, debounceMs: 60_000, onError: (_id, err) => (buildError = err),
    });
    const sql = new KnowledgeGraphService({ prisma, cache, maxBatch: 100 });
    const mem = new KnowledgeGraphService({ prisma, cache, maxBatch: 100, snapshots, onQuery: (_k, _s, _c, source) => sources.push(source) });
    try {
      const nsId = (await prisma.namespace.findUniqueOrThrow({ where: { name: ns.name } })).id;
      const g = await snapshots.refresh(nsId);
      assert.ok(g, `the snapshot was built: ${buildError}`);
      assert.equal(g.relationCount, await prisma.relation.count({ where: { namespaceId: nsId } }));
      assert.equal(g.entityCount, await prisma.entity.count({ where: { namespaceId: nsId } }));
      for (const start of ['wn:n:00001740', ref.ids[100], ref.ids[1234], ref.ids[2900], ref.ids[3500]]) {
        for (const [hops, limit] of [[1, 100], [2, 40], [3, 1000], [5, 250]]) {
          assert.deepEqual(await mem.neighbourhood(ns.name, start, hops, limit), await sql.neighbourhood(ns.name, start, hops, limit), `${start} ${hops} hops`);
        }
      }
      // Looked up by id as well as by name.
      const someone = await prisma.entity.findFirstOrThrow({ where: { namespaceId: nsId, key: keyOf(ref.ids[42]) } });
      assert.deepEqual(await mem.neighbourhood(ns.name, someone.id.toUpperCase(), 2, 50), await sql.neighbourhood(ns.name, someone.id.toUpperCase(), 2, 50));
      for (let i = 0; i < 30; i++) {
        const a = ref.ids[(i * 131) % ref.nodeCount];
        const b = i % 2 ? ref.ids[(i * 977 + 5) % ref.nodeCount] : (neighbourhood(ref, a, { maxHops: 4, limit: 100_000 }).nodes.at(-1)?.id ?? a);
        assert.deepEqual(await mem.paths(ns.name, a, b, 5, 3), await sql.paths(ns.name, a, b, 5, 3), `${a} → ${b}`);
      }
      assert.deepEqual(await mem.paths(ns.name, ref.ids[7], ref.ids[7], 3), await sql.paths(ns.name, ref.ids[7], ref.ids[7], 3));
      await assert.rejects(mem.neighbourhood(ns.name, 'No Such Thing Anywhere', 1), (e: any) => e.code === 'NOT_FOUND');
      assert.ok(sources.length > 0 && sources.every((s) => s === 'snapshot'), `every answer came from the snapshot: ${[...new Set(sources)]}`);

      // A write bumps the version: the next answer comes from SQL and already holds the new relation.
      const [a, b] = [ref.ids[11], ref.ids[3333]];
      assert.ok(!(await mem.neighbourhood(ns.name, a, 1, 1000)).nodes.some((n) => n.entity.key === keyOf(b)));
      await gql(ADD_RELATIONS, { ns: ns.name, r: [{ subject: a, kind: 'ASSOCIATIVE', label: 'test_link', object: b }] }, ns.key);
      sources.length = 0;
      const after = await mem.neighbourhood(ns.name, a, 1, 1000);
      assert.deepEqual(sources, ['sql']);
      assert.ok(after.nodes.some((n) => n.entity.key === keyOf(b) && n.distance === 1), 'the new relation is seen at once');
      assert.equal((await mem.paths(ns.name, a, b, 5)).hops, 1);
      // Rebuilt, the snapshot serves again, with the new relation.
      const rebuilt = await snapshots.refresh(nsId);
      assert.equal(rebuilt!.relationCount, g.relationCount + 1);
      sources.length = 0;
      assert.deepEqual(await mem.neighbourhood(ns.name, a, 2, 500), await sql.neighbourhood(ns.name, a, 2, 500));
      assert.deepEqual(await mem.paths(ns.name, a, b, 5), await sql.paths(ns.name, a, b, 5));
      assert.deepEqual(sources, ['snapshot', 'snapshot']);
    } finally {
      snapshots.close();
      redis.disconnect();
    }
  });

  test('the API serves graph queries from its snapshot once built', async () => {
    const served = () => metricValue('aivillage_knowledge_graph_query_seconds_count', { source: 'snapshot' });
    const before = await served();
    let i = 0;
    await waitFor('a snapshot-served neighbourhood', async () => {
      // A new start each time: a repeated query would be answered by the result cache.
      await gql(NEIGHBORHOOD, { e: ref.ids[5 + i++], h: 2, l: 20, ns: ns.name }, ns.key);
      return (await served()) > before;
    }, 30_000);
  });
});

describe('bad input: coded errors and nothing written', () => {
  test('empty text, text over the limit, foreign namespaces and another dimension are refused before any work', async () => {
    const count = await stack.db.prisma.document.count();
    const empty = await gqlError(INGEST, { i: { title: 't', text: '   \n' } });
    assert.equal(empty.code, 'BAD_USER_INPUT');
    const big = await gqlError(INGEST, { i: { title: 't', text: 'a'.repeat(MAX_BYTES + 1) } });
    assert.equal(big.code, 'PAYLOAD_TOO_LARGE');
    assert.match(big.message, new RegExp(`${MAX_BYTES}`));
    const batch = await gqlError(INGEST_MANY, { i: [{ title: 'ok', text: 'A fine document.' }, { title: 'bad', text: '' }] });
    assert.equal(batch.code, 'BAD_USER_INPUT');
    assert.match(batch.message, /inputs\[1\]/);
    const other = await stack.createKey({ namespace: 'outsider' });
    assert.equal((await gqlError(INGEST, { i: { namespace: 'default', title: 't', text: 'x' } }, other.key)).code, 'FORBIDDEN');
    const viewer = await stack.createKey({ namespace: 'default', scopes: ['read'] });
    assert.equal((await gqlError(INGEST, { i: { title: 't', text: 'x' } }, viewer.key)).code, 'FORBIDDEN');
    // A namespace whose chunks have another dimension (made with another embedder).
    const ns = await stack.db.prisma.namespace.create({ data: { name: 'dim256' } });
    await stack.db.prisma.knowledgeSettings.create({ data: { namespaceId: ns.id, embedderId: 'some-model-d256', dimension: 256 } });
    const dimKey = (await stack.createKey({ namespace: 'dim256' })).key;
    const dim = await gqlError(INGEST, { i: { namespace: 'dim256', title: 't', text: 'A document.' } }, dimKey);
    assert.equal(dim.code, 'BAD_USER_INPUT');
    assert.match(dim.message, /256/);
    assert.match(dim.message, /384/);
    assert.equal(await stack.db.prisma.document.count(), count, 'nothing was stored');
  });

  test('wrong vector dimensions, unknown entities, hop bounds and unreadable namespaces are coded errors', async () => {
    const wrong = await gqlError(SEARCH, { q: '', m: 'VECTOR', v: [0.1, 0.2, 0.3] });
    assert.equal(wrong.code, 'BAD_USER_INPUT');
    assert.match(wrong.message, /expected 384, got 3/);
    assert.equal((await gqlError(SEARCH, { q: '  ', m: 'HYBRID' })).code, 'BAD_USER_INPUT');
    assert.equal((await gqlError(SEARCH, { q: 'x', k: 101 })).code, 'BAD_USER_INPUT');
    assert.equal((await gqlError(NEIGHBORHOOD, { e: 'No Such Thing Anywhere' })).code, 'NOT_FOUND');
    assert.equal((await gqlError(PATHS, { f: 'congress', t: 'No Such Thing Anywhere' })).code, 'NOT_FOUND');
    const hops = await gqlError(NEIGHBORHOOD, { e: 'congress', h: 6 });
    assert.equal(hops.code, 'BAD_USER_INPUT');
    assert.match(hops.message, /\[1, 5\]/);
    assert.equal((await gqlError(PATHS, { f: 'congress', t: 'united nations', h: 6 })).code, 'BAD_USER_INPUT');
    assert.equal((await gqlError(NEIGHBORHOOD, { e: 'congress', h: 0 })).code, 'BAD_USER_INPUT');
    const outsider = await stack.createKey({ namespace: 'outsider' });
    assert.equal((await gqlError(SEARCH, { q: 'congress', ns: 'default' }, outsider.key)).code, 'FORBIDDEN');
    assert.equal((await gqlError(NEIGHBORHOOD, { e: 'congress', ns: 'default' }, outsider.key)).code, 'FORBIDDEN');
    assert.equal((await gqlError(ADD_RELATIONS, { ns: 'default', r: [{ subject: 'a', kind: 'CAUSAL', label: 'x', object: 'b' }] }, outsider.key)).code, 'FORBIDDEN');
    // Without `namespace`, a key's own namespace is used: the outsider sees nothing of default.
    assert.deepEqual((await gql(SEARCH, { q: 'congress', k: 5 }, outsider.key)).searchKnowledge, []);
    const before = await stack.db.prisma.relation.count();
    const bad = await gqlError(ADD_RELATIONS, { ns: 'default', r: [{ subject: 'ok one', kind: 'CAUSAL', label: 'causes', object: 'ok two' }, { subject: 'same', kind: 'CAUSAL', label: 'causes', object: 'Same' }] });
    assert.equal(bad.code, 'BAD_USER_INPUT');
    assert.equal(await stack.db.prisma.relation.count(), before, 'a bad triple refuses the whole batch');
  });
});

describe('vector search under a namespace filter', () => {
  test('a namespace holding a small share of the chunks still gets topK hits, through the HNSW index with an iterative scan', async () => {
    const { prisma } = stack.db;
    const dim = 384;
    // Seeded clustered vectors: the big namespace around 20 centres, the small one around 2 of its own.
    let s = 42;
    const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) - 0.5;
    const centres = Array.from({ length: 22 }, () => Float32Array.from({ length: dim }, rand));
    const near = (c: Float32Array) => {
      const v = c.map((x) => x + rand() * 0.6);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const load = async (name: string, count: number, centre: (i: number) => Float32Array) => {
      const ns = await prisma.namespace.upsert({ where: { name }, create: { name }, update: {} });
      const doc = await prisma.document.create({ data: { namespaceId: ns.id, title: name, content: name, contentHash: randomUUID().replace(/-/g, '').padEnd(64, '0'), sizeBytes: 1, status: 'READY', chunkCount: count } });
      const vectors = Array.from({ length: count }, (_, i) => vectorLiteral(near(centre(i))));
      await prisma.$executeRaw`
        INSERT INTO chunks (id, document_id, namespace_id, position, text, token_count, char_start, char_end, dimension, embedding)
        SELECT gen_random_uuid(), ${doc.id}::uuid, ${ns.id}::uuid, p, 'generated', 1, 0, 1, ${dim}, v::vector
          FROM unnest(${vectors}::text[]) WITH ORDINALITY AS u(v, p)`;
      await prisma.knowledgeSettings.create({ data: { namespaceId: ns.id, embedderId: 'hashing-ngram-v1-d384', dimension: dim, chunkCount: count } });
      return ns;
    };
    await load('bulk', 2700, (i) => centres[i % 20]);
    const small = await load('sparse', 300, (i) => centres[20 + (i % 2)]);
    await prisma.$executeRawUnsafe('ANALYZE chunks');
    const key = (await stack.createKey({ namespace: 'sparse' })).key;
    // A query in the big namespace's region: the nearest 50 of the whole table are nearly all "bulk".
    const q = Array.from(near(centres[3]));
    const hits = (await gql(SEARCH, { q: '', m: 'VECTOR', k: 20, v: q, ns: 'sparse' }, key)).searchKnowledge;
    assert.equal(hits.length, 20);
    const docOf = new Set(hits.map((h: any) => h.document.id));
    assert.deepEqual([...docOf], [(await prisma.document.findFirstOrThrow({ where: { namespaceId: small.id } })).id]);

    const sql = hnswVectorSql(small.id, q, 20);
    // The service's own statements: its settings, then its query.
    const [, plan] = await prisma.$transaction([
      prisma.$queryRaw(searchSettingsSql(50, 20_000)),
      prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${sql}`),
    ]);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(text, /chunks_embedding_384_hnsw_idx/, `the filtered query runs on the HNSW index:\n${text}`);
    const [, , plain] = await prisma.$transaction([
      prisma.$queryRaw(searchSettingsSql(50, 20_000)),
      prisma.$queryRaw`SELECT set_config('hnsw.iterative_scan', 'off', true)`,
      prisma.$queryRaw<{ id: string }[]>(sql),
    ]);
    assert.ok(plain.length < 20, `without the iterative scan the same query finds only ${plain.length}`);
    // The exact answer agrees with what the API returned (recall 1 here).
    const exact = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM chunks WHERE namespace_id = ${small.id}::uuid ORDER BY embedding <=> ${vectorLiteral(q)}::vector LIMIT 20`;
    const overlap = hits.filter((h: any) => exact.some((e) => e.id === h.chunk.id)).length;
    assert.ok(overlap >= 18, `recall@20 ${overlap / 20}`);
  });
});

describe('a worker killed mid-ingest', () => {
  test('leaves no half-written document, and the job is retried to READY by another worker', async () => {
    const bytes = (d: { text: string }) => Buffer.byteLength(d.text);
    const longest = loadSotu().filter((d) => bytes(d) <= MAX_BYTES).sort((a, b) => bytes(b) - bytes(a))[0];
    const doc = (await gql(INGEST, { i: { title: longest.title, text: longest.text } })).ingestDocument;
    const client = createClient({ url: `${stack.apis[0].url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stack.adminKey}` } });
    const writing = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription($id: ID!) { ingestionProgress(documentId: $id) { stage } }', variables: { id: doc.id } },
        { next: (v) => ((v.data as any)?.ingestionProgress.stage === 'WRITING' ? resolve() : undefined), error: reject, complete: () => reject(new Error('ended before WRITING')) },
      );
    });
    await writing; // the write transaction is starting: kill the worker inside it
    await stopChild(stack.workers[0], 'SIGKILL');
    await client.dispose();
    const { prisma } = stack.db;
    const row = await prisma.document.findUniqueOrThrow({ where: { id: doc.id } });
    assert.equal(row.status, 'PROCESSING');
    assert.equal(await prisma.chunk.count({ where: { documentId: doc.id } }), 0, 'nothing of it was written');
    await stack.startWorker();
    const ready = await waitReady(doc.id);
    assert.ok(ready.attempts >= 2, `attempts ${ready.attempts}`);
    assert.equal(await prisma.chunk.count({ where: { documentId: doc.id } }), ready.chunkCount);
    assert.equal(await prisma.relation.count({ where: { evidenceChunk: { documentId: doc.id } } }), ready.relationCount);
  });
});
