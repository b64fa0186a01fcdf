/**
 * Proves prisma/schema.prisma and prisma/migrations agree, and that the migrator keeps
 * its promises (Prisma-compatible bookkeeping, advisory lock, refusing edited files).
 * Runs against a throwaway database created for this file and dropped afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEFAULT_DATABASE_URL } from '@aivillage/config';
import { checksumOf, createPrisma, migrate, MigrationError, MIGRATIONS_DIR } from './index.js';

const baseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const dbName = `aivillage_migtest_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

before(() => admin((c) => c.query(`CREATE DATABASE ${dbName}`)));
after(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));

test('two migrators started together apply each migration exactly once', async () => {
  const results = await Promise.all([
    migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR }),
    migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR }),
  ]);
  const dirs = (await readdir(MIGRATIONS_DIR)).sort();
  assert.deepEqual(results.flatMap((r) => r.applied).sort(), dirs);
  const rows = await admin(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
    await c.end();
    return r.rows;
  });
  assert.equal(rows.length, dirs.length);
  for (const [i, row] of rows.entries()) {
    const sql = await readFile(path.join(MIGRATIONS_DIR, dirs[i], 'migration.sql'), 'utf8');
    assert.equal(row.migration_name, dirs[i]);
    assert.equal(row.checksum, checksumOf(sql), 'checksum is sha256 of the file, as Prisma records it');
    assert.ok(row.finished_at instanceof Date);
    assert.equal(row.applied_steps_count, 1);
  }
  const again = await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR });
  assert.deepEqual(again.applied, []);
});

test('every model in schema.prisma can be written and read back through the Prisma client', async () => {
  await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR });
  const schemaText = await readFile(path.join(MIGRATIONS_DIR, '..', 'schema.prisma'), 'utf8');
  const models = [...schemaText.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]).sort();
  const prisma = createPrisma({ url, poolSize: 2 });
  try {
    // One round trip per model; adding a model without adding it here fails the test.
    const roundTrips: Record<string, () => Promise<void>> = {
      Namespace: async () => {
        const created = await prisma.namespace.create({ data: { name: 'mig-test', description: 'd', tier: 'SILVER', storageBytesUsed: 7n } });
        const read = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        assert.deepEqual(read, created);
      },
      User: async () => {
        const created = await prisma.user.create({ data: { email: 'm@example.com', name: 'M', passwordHash: 'scrypt$x', role: 'DEVELOPER', lockedUntil: new Date(), disabledAt: null } });
        const read = await prisma.user.findUniqueOrThrow({ where: { email: 'm@example.com' }, omit: { passwordHash: false } });
        assert.equal(read.passwordHash, 'scrypt$x');
        assert.deepEqual({ ...read, passwordHash: undefined }, { ...created, passwordHash: undefined });
      },
      Membership: async () => {
        const user = await prisma.user.findUniqueOrThrow({ where: { email: 'm@example.com' } });
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.membership.create({ data: { userId: user.id, namespaceId: ns.id, role: 'VIEWER' } });
        assert.deepEqual(await prisma.membership.findUniqueOrThrow({ where: { userId_namespaceId: { userId: user.id, namespaceId: ns.id } } }), created);
      },
      Session: async () => {
        const user = await prisma.user.findUniqueOrThrow({ where: { email: 'm@example.com' } });
        const created = await prisma.session.create({ data: { tokenHash: 'a'.repeat(64), userId: user.id, expiresAt: new Date(), ip: '127.0.0.1', userAgent: 'ua' } });
        assert.deepEqual(await prisma.session.findUniqueOrThrow({ where: { tokenHash: 'a'.repeat(64) } }), created);
      },
      ApiKey: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.apiKey.create({ data: { name: 'k', prefix: 'av_0123456789', secretHash: 'b'.repeat(64), tier: 'PLATINUM', namespaceId: ns.id, scopes: ['read', 'write'], rateLimitPerMinute: 1000, expiresAt: new Date() } });
        const read = await prisma.apiKey.findUniqueOrThrow({ where: { prefix: 'av_0123456789' }, omit: { secretHash: false } });
        assert.equal(read.secretHash, 'b'.repeat(64));
        assert.deepEqual({ ...read, secretHash: undefined }, { ...created, secretHash: undefined });
      },
      AuditEvent: async () => {
        const created = await prisma.auditEvent.create({ data: { actorType: 'user', actorId: 'x', actorLabel: 'm', action: 'a.b', outcome: 'success', targetType: 't', targetId: 'i', namespace: 'n', ip: '::1', userAgent: 'ua', details: { k: [1, 'two'] } } });
        assert.deepEqual(await prisma.auditEvent.findUniqueOrThrow({ where: { id: created.id } }), created);
      },
      Model: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.model.create({ data: { namespaceId: ns.id, name: 'digits', task: 'classification', description: 'd', tags: ['mlp', 'demo'] } });
        assert.deepEqual(await prisma.model.findUniqueOrThrow({ where: { namespaceId_name: { namespaceId: ns.id, name: 'digits' } } }), created);
      },
      TrainingRun: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const user = await prisma.user.findUniqueOrThrow({ where: { email: 'm@example.com' } });
        const created = await prisma.trainingRun.create({
          data: { namespaceId: ns.id, name: 'forge', template: 'agent-forge', config: { phases: { COGNATE: { executor: 'builtin' } } }, status: 'RUNNING', generation: 2, createdById: user.id, startedAt: new Date() },
        });
        assert.deepEqual(await prisma.trainingRun.findUniqueOrThrow({ where: { id: created.id } }), created);
      },
      TrainingPhaseExecution: async () => {
        const run = await prisma.trainingRun.findFirstOrThrow({ where: { name: 'forge' } });
        const created = await prisma.trainingPhaseExecution.create({
          data: {
            runId: run.id, phase: 'FORGE_TRAINING', position: 4, executor: 'builtin', status: 'RUNNING', attempt: 2, startedAt: new Date(),
            summary: { accuracy: 0.97 }, output: new Uint8Array([1, 2, 3]), checkpoint: new Uint8Array([4, 5]), checkpointAt: new Date(),
          },
        });
        assert.deepEqual(await prisma.trainingPhaseExecution.findUniqueOrThrow({ where: { runId_phase: { runId: run.id, phase: 'FORGE_TRAINING' } } }), created);
      },
      TrainingMetricPoint: async () => {
        const run = await prisma.trainingRun.findFirstOrThrow({ where: { name: 'forge' } });
        const created = await prisma.trainingMetricPoint.create({ data: { runId: run.id, phase: 'FORGE_TRAINING', step: 7, name: 'loss', value: 0.125 } });
        assert.deepEqual(await prisma.trainingMetricPoint.findUniqueOrThrow({ where: { id: created.id } }), created);
      },
      ModelVersion: async () => {
        const model = await prisma.model.findFirstOrThrow({ where: { name: 'digits' } });
        const user = await prisma.user.findUniqueOrThrow({ where: { email: 'm@example.com' } });
        const run = await prisma.trainingRun.findFirstOrThrow({ where: { name: 'forge' }, include: { phases: true } });
        const created = await prisma.modelVersion.create({
          data: {
            modelId: model.id, version: 1, sha256: 'c'.repeat(64), sizeBytes: 5_000_000_000n, opset: 17, irVersion: 8, producer: 'aivillage',
            inputs: [{ name: 'features', dtype: 'float32', shape: ['N', 64] }], outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['N', null] }],
            parameterCount: 9_000_000_000n, quantisation: 'none', metrics: { accuracy: 0.97 },
            trainingRunId: run.id, trainingPhaseId: run.phases[0].id, createdById: user.id,
          },
        });
        assert.deepEqual(await prisma.modelVersion.findUniqueOrThrow({ where: { modelId_version: { modelId: model.id, version: 1 } } }), created);
      },
      ModelAlias: async () => {
        const version = await prisma.modelVersion.findFirstOrThrow({ where: { sha256: 'c'.repeat(64) } });
        const created = await prisma.modelAlias.create({ data: { modelId: version.modelId, alias: 'production', versionId: version.id } });
        assert.deepEqual(await prisma.modelAlias.findUniqueOrThrow({ where: { modelId_alias: { modelId: version.modelId, alias: 'production' } } }), created);
        await assert.rejects(prisma.modelVersion.delete({ where: { id: version.id } }), 'a version an alias points to cannot be deleted');
        await prisma.trainingRun.delete({ where: { id: version.trainingRunId! } });
        assert.equal((await prisma.modelVersion.findUniqueOrThrow({ where: { id: version.id } })).trainingRunId, null, 'deleting a run keeps its versions, without lineage');
        await prisma.model.delete({ where: { id: version.modelId } });
        assert.equal(await prisma.modelVersion.count({ where: { modelId: version.modelId } }), 0, 'deleting a model cascades to versions and aliases');
      },
      Peer: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.peer.create({
          data: {
            namespaceId: ns.id, publicKey: new Uint8Array(32).fill(7), displayName: 'phone', deviceClass: 'MOBILE', region: 'eu',
            transports: [{ transport: 'BLE', address: 'ble://aa' }], batteryPercent: 55.5, status: 'ONLINE', lastSeq: 9_000_000_000n, heartbeats: 3n, lastSeenAt: new Date(),
          },
        });
        assert.deepEqual(await prisma.peer.findUniqueOrThrow({ where: { publicKey: new Uint8Array(32).fill(7) } }), created);
        await assert.rejects(prisma.peer.create({ data: { namespaceId: ns.id, publicKey: new Uint8Array(32).fill(7), displayName: 'twin', deviceClass: 'DESKTOP', transports: [] } }), 'public keys are unique');
      },
      PeerLink: async () => {
        const a = await prisma.peer.findFirstOrThrow({ where: { displayName: 'phone' } });
        const b = await prisma.peer.create({ data: { namespaceId: a.namespaceId, publicKey: new Uint8Array(32).fill(8), displayName: 'server', deviceClass: 'SERVER', transports: [] } });
        const created = await prisma.peerLink.create({
          data: { namespaceId: a.namespaceId, fromPeerId: a.id, toPeerId: b.id, transport: 'QUIC', latencyMs: 4.5, throughputMbps: 800, successRate: 0.99, reports: 2, updatedAt: new Date() },
        });
        assert.deepEqual(await prisma.peerLink.findUniqueOrThrow({ where: { fromPeerId_toPeerId_transport: { fromPeerId: a.id, toPeerId: b.id, transport: 'QUIC' } } }), created);
      },
      PeerLinkSample: async () => {
        const link = await prisma.peerLink.findFirstOrThrow({ where: { transport: 'QUIC' } });
        const created = await prisma.peerLinkSample.create({ data: { linkId: link.id, slot: 3, at: new Date(), latencyMs: 4, throughputMbps: 750, successRate: 0.98 } });
        assert.deepEqual(await prisma.peerLinkSample.findUniqueOrThrow({ where: { linkId_slot: { linkId: link.id, slot: 3 } } }), created);
        await prisma.peer.delete({ where: { id: link.toPeerId } });
        assert.equal(await prisma.peerLinkSample.count({ where: { linkId: link.id } }), 0, 'deleting a peer cascades to its links and their history');
      },
      MeshTopology: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.meshTopology.create({
          data: { namespaceId: ns.id, name: 'mesh', params: { nodes: 100, degree: 6, seed: 1 }, status: 'SUCCEEDED', stats: { links: 300 }, graph: { peers: [] }, durationMs: 12.5, finishedAt: new Date() },
        });
        assert.deepEqual(await prisma.meshTopology.findUniqueOrThrow({ where: { id: created.id } }), created);
      },
      PropagationSimulation: async () => {
        const topology = await prisma.meshTopology.findFirstOrThrow({ where: { name: 'mesh' } });
        const created = await prisma.propagationSimulation.create({
          data: { namespaceId: topology.namespaceId, topologyId: topology.id, input: { ttl: 7 }, status: 'FAILED', error: 'e', result: { reachability: 1 }, durationMs: 3, startedAt: new Date(), finishedAt: new Date() },
        });
        assert.deepEqual(await prisma.propagationSimulation.findUniqueOrThrow({ where: { id: created.id } }), created);
      },
      KnowledgeSettings: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.knowledgeSettings.create({ data: { namespaceId: ns.id, embedderId: 'hashing-ngram-v1-d3', dimension: 3, chunkCount: 1 } });
        assert.deepEqual(await prisma.knowledgeSettings.findUniqueOrThrow({ where: { namespaceId: ns.id } }), created);
      },
      Document: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.document.create({
          data: {
            namespaceId: ns.id, title: 'Doc', source: 'test://doc', metadata: { year: 1945, tags: ['a'] }, content: 'Smoking causes cancer.', contentHash: 'd'.repeat(64),
            sizeBytes: 22, status: 'READY', chunkCount: 1, entityCount: 2, relationCount: 1, embedderId: 'hashing-ngram-v1-d3', dimension: 3, attempts: 1, processedAt: new Date(),
          },
        });
        assert.deepEqual(await prisma.document.findUniqueOrThrow({ where: { namespaceId_contentHash: { namespaceId: ns.id, contentHash: 'd'.repeat(64) } } }), created);
        await assert.rejects(prisma.document.create({ data: { namespaceId: ns.id, title: 'Twin', content: 'x', contentHash: 'd'.repeat(64), sizeBytes: 1 } }), 'content is unique per namespace');
      },
      Chunk: async () => {
        // `embedding` is Unsupported("vector"): Prisma cannot create the row, raw SQL does (as the ingestion does).
        const doc = await prisma.document.findFirstOrThrow({ where: { title: 'Doc' } });
        await prisma.$executeRaw`INSERT INTO chunks (id, document_id, namespace_id, position, text, token_count, char_start, char_end, dimension, embedding)
          VALUES (gen_random_uuid(), ${doc.id}::uuid, ${doc.namespaceId}::uuid, 0, 'Smoking causes cancer.', 4, 0, 22, 3, '[1,0,0]'::vector)`;
        const read = await prisma.chunk.findUniqueOrThrow({ where: { documentId_position: { documentId: doc.id, position: 0 } } });
        assert.deepEqual({ ...read, id: undefined }, { id: undefined, documentId: doc.id, namespaceId: doc.namespaceId, position: 0, text: 'Smoking causes cancer.', tokenCount: 4, charStart: 0, charEnd: 22, dimension: 3 });
        const [raw] = await prisma.$queryRaw<{ embedding: string; tsv: string }[]>`SELECT embedding::text, tsv::text FROM chunks WHERE id = ${read.id}::uuid`;
        assert.deepEqual(raw, { embedding: '[1,0,0]', tsv: "'cancer':3 'caus':2 'smoke':1" }, 'the tsvector column is generated');
        await assert.rejects(prisma.$executeRaw`INSERT INTO chunks (id, document_id, namespace_id, position, text, token_count, char_start, char_end, dimension, embedding)
          VALUES (gen_random_uuid(), ${doc.id}::uuid, ${doc.namespaceId}::uuid, 1, 'x', 1, 0, 1, 3, '[1,0]'::vector)`, 'a vector must have its row\'s dimension');
      },
      Entity: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.entity.create({ data: { namespaceId: ns.id, key: 'smoking', name: 'Smoking', type: 'CONCEPT', aliases: ['smoke'] } });
        await prisma.entity.create({ data: { namespaceId: ns.id, key: 'cancer', name: 'cancer' } });
        assert.deepEqual(await prisma.entity.findUniqueOrThrow({ where: { namespaceId_key: { namespaceId: ns.id, key: 'smoking' } } }), created);
      },
      EntityMention: async () => {
        const entity = await prisma.entity.findFirstOrThrow({ where: { key: 'smoking' } });
        const chunk = await prisma.chunk.findFirstOrThrow({ where: { namespaceId: entity.namespaceId } });
        const created = await prisma.entityMention.create({ data: { entityId: entity.id, chunkId: chunk.id } });
        assert.deepEqual(await prisma.entityMention.findUniqueOrThrow({ where: { entityId_chunkId: { entityId: entity.id, chunkId: chunk.id } } }), created);
      },
      Relation: async () => {
        const [cancer, smoking] = await prisma.entity.findMany({ orderBy: { key: 'asc' } });
        const chunk = await prisma.chunk.findFirstOrThrow({ where: { namespaceId: smoking.namespaceId } });
        const created = await prisma.relation.create({
          data: { namespaceId: smoking.namespaceId, subjectId: smoking.id, objectId: cancer.id, kind: 'CAUSAL', label: 'causes', confidence: 0.8, support: 2, evidenceChunkId: chunk.id },
        });
        assert.deepEqual(await prisma.relation.findUniqueOrThrow({ where: { id: created.id } }), created);
        const explicit = { namespaceId: smoking.namespaceId, subjectId: smoking.id, objectId: cancer.id, kind: 'CAUSAL' as const, label: 'causes', confidence: 0.9 };
        await prisma.relation.create({ data: explicit });
        await assert.rejects(prisma.relation.create({ data: explicit }), 'an explicit triple (no evidence chunk) is unique: NULLS NOT DISTINCT');
        await prisma.document.delete({ where: { id: (await prisma.chunk.findUniqueOrThrow({ where: { id: chunk.id } })).documentId } });
        assert.deepEqual(
          (await prisma.relation.findMany({ where: { subjectId: smoking.id } })).map((r) => r.evidenceChunkId),
          [null],
          'deleting a document removes its chunks, their mentions and the relations they were evidence of; explicit ones stay',
        );
        assert.equal(await prisma.entityMention.count(), 0);
      },
      FogNode: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.fogNode.create({
          data: {
            namespaceId: ns.id, name: 'gpu-box', cpuCores: 16, memoryMb: 65_536, gpus: 1, gpuModel: 'H100', runtimes: ['wasi', 'command'], region: 'eu',
            pool: 'GOLD_DEDICATED', cordoned: true, draining: false, lastHeartbeatAt: new Date(), utilisation: { cpuPercent: 12.5 }, agentVersion: '0.1.0',
          },
        });
        assert.deepEqual(await prisma.fogNode.findUniqueOrThrow({ where: { namespaceId_name: { namespaceId: ns.id, name: 'gpu-box' } } }), created);
      },
      FogModule: async () => {
        const created = await prisma.fogModule.create({ data: { sha256: 'd'.repeat(64), bytes: new Uint8Array([0, 97, 115, 109]), sizeBytes: 4 } });
        assert.deepEqual(await prisma.fogModule.findUniqueOrThrow({ where: { sha256: 'd'.repeat(64) } }), created);
      },
      FogCommandTemplate: async () => {
        const created = await prisma.fogCommandTemplate.create({ data: { name: 'echo', description: 'd', command: ['/bin/echo'], argPatterns: ['^[a-z]+$'], createdBy: 'm@example.com' } });
        assert.deepEqual(await prisma.fogCommandTemplate.findUniqueOrThrow({ where: { name: 'echo' } }), created);
      },
      FogJob: async () => {
        const node = await prisma.fogNode.findFirstOrThrow({ where: { name: 'gpu-box' } });
        const created = await prisma.fogJob.create({
          data: {
            namespaceId: node.namespaceId, name: 'j', runtime: 'WASI', moduleSha256: 'd'.repeat(64), args: ['a'], env: { K: 'v' }, cpuCores: 0.5, memoryMb: 64, gpus: 1,
            timeoutMs: 1000, sla: 'A', tier: 'GOLD', priority: 3, status: 'SUCCEEDED', nodeId: node.id, attempt: 1, assignmentToken: 't'.repeat(32), holdReason: null,
            scheduledAt: new Date(), startedAt: new Date(), finishedAt: new Date(), exitCode: 0, errorCode: null, stdout: 'hi', stdoutBytes: 2, timings: { runMs: 1 }, cpuMs: 1.5, submittedBy: 'm',
          },
        });
        assert.deepEqual(await prisma.fogJob.findUniqueOrThrow({ where: { id: created.id } }), created);
        await assert.rejects(prisma.fogModule.delete({ where: { sha256: 'd'.repeat(64) } }), 'a module a job uses cannot be deleted');
      },
      FogUsageRecord: async () => {
        const job = await prisma.fogJob.findFirstOrThrow({ where: { name: 'j' } });
        const created = await prisma.fogUsageRecord.create({
          data: { namespaceId: job.namespaceId, jobId: job.id, nodeId: job.nodeId, tier: 'GOLD', startedAt: new Date(), endedAt: new Date(), cpuCoreSeconds: 0.5, gpuSeconds: 1, memoryGbSeconds: 0.0625, cpuMs: 2 },
        });
        assert.deepEqual(await prisma.fogUsageRecord.findUniqueOrThrow({ where: { jobId: job.id } }), created);
        await prisma.fogNode.delete({ where: { id: job.nodeId! } });
        assert.equal((await prisma.fogJob.findUniqueOrThrow({ where: { id: job.id } })).nodeId, null, 'deleting a node keeps its jobs');
      },
      FogQuota: async () => {
        const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'mig-test' } });
        const created = await prisma.fogQuota.create({ data: { namespaceId: ns.id, gpuHoursPerMonth: 12.5 } });
        assert.deepEqual(await prisma.fogQuota.findUniqueOrThrow({ where: { namespaceId: ns.id } }), created);
      },
      SystemMetricRollup: async () => {
        const data = {
          bucketStart: new Date('2026-01-01T00:01:00Z'), samples: 60, instancesMax: 2, cpuPercentAvg: 12.5,
          rssBytesMax: 3_000_000_000n, heapUsedBytesMax: 1n, eventLoopLagP99MsMax: 1.5, requests: 100,
          p95LatencyMs: null, activeConnectionsMax: 4,
        };
        await prisma.systemMetricRollup.create({ data });
        const read = await prisma.systemMetricRollup.findUniqueOrThrow({ where: { bucketStart: data.bucketStart } });
        assert.deepEqual({ ...read, createdAt: undefined }, { ...data, createdAt: undefined });
      },
      MetricSample: async () => {
        const created = await prisma.metricSample.create({
          data: {
            ts: new Date(), metric: 'http_request_duration_seconds', labels: { endpoint: '/graphql', operation: 'Q' }, component: 'api', instance: 'i-1',
            kind: 'HISTOGRAM', value: 0.5, count: 3, bounds: [0.1, 1], buckets: [1, 2, 0],
          },
        });
        assert.deepEqual(await prisma.metricSample.findUniqueOrThrow({ where: { id: created.id } }), created);
      },
      MetricSampleHourly: async () => {
        const hour = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
        const data = {
          hour, metric: 'http_request_duration_seconds', labels: { endpoint: '/graphql' }, component: 'api', kind: 'HISTOGRAM' as const,
          bounds: [0.1, 1], value: 0.5, count: 3, buckets: [1, 2, 0], samples: 2, minValue: 0.1, maxValue: 0.4,
        };
        const created = await prisma.metricSampleHourly.create({ data });
        assert.deepEqual(await prisma.metricSampleHourly.findUniqueOrThrow({ where: { id: created.id } }), created);
        await assert.rejects(prisma.metricSampleHourly.create({ data }), 'one row per hour and series');
      },
      MetricRollupHour: async () => {
        const created = await prisma.metricRollupHour.create({ data: { hour: new Date(Math.floor(Date.now() / 3600_000) * 3600_000), rows: 12 } });
        assert.deepEqual(await prisma.metricRollupHour.findUniqueOrThrow({ where: { hour: created.hour } }), created);
      },
      Alert: async () => {
        const created = await prisma.alert.create({ data: { kind: 'REGRESSION', severity: 'WARNING', subject: 'Q', message: 'm', value: 120, threshold: 96, baseline: 80 } });
        assert.deepEqual(await prisma.alert.findUniqueOrThrow({ where: { id: created.id } }), created);
        await assert.rejects(
          prisma.alert.create({ data: { kind: 'REGRESSION', severity: 'WARNING', subject: 'Q', message: 'again', value: 1, threshold: 1 } }),
          'one unresolved alert per kind and subject',
        );
        await prisma.alert.update({ where: { id: created.id }, data: { status: 'RESOLVED' } });
        await prisma.alert.create({ data: { kind: 'REGRESSION', severity: 'WARNING', subject: 'Q', message: 'new', value: 1, threshold: 1 } });
      },
      ProfileArtifact: async () => {
        const created = await prisma.profileArtifact.create({ data: { kind: 'CPU', targetInstance: 'i-1', targetComponent: 'api', requestedBy: 'admin', seconds: 5 } });
        assert.deepEqual(await prisma.profileArtifact.findUniqueOrThrow({ where: { id: created.id } }), created);
        await assert.rejects(
          prisma.profileArtifact.create({ data: { kind: 'HEAP', targetInstance: 'i-1', targetComponent: 'api', requestedBy: 'admin' } }),
          'one PENDING/CAPTURING artifact per target',
        );
        const data = new Uint8Array([0x1f, 0x8b, 1, 2, 3]);
        const ready = await prisma.profileArtifact.update({ where: { id: created.id }, data: { status: 'READY', data, sizeBytes: 10, sha256: 'a'.repeat(64), finishedAt: new Date() } });
        assert.deepEqual(new Uint8Array(ready.data!), data);
        await prisma.profileArtifact.create({ data: { kind: 'HEAP', targetInstance: 'i-1', targetComponent: 'api', requestedBy: 'admin' } });
      },
    };
    assert.deepEqual(Object.keys(roundTrips).sort(), models);
    for (const model of Object.keys(roundTrips)) await roundTrips[model](); // in dependency order
    const ext = await prisma.$queryRaw<{ extname: string }[]>`SELECT extname FROM pg_extension WHERE extname = 'vector'`;
    assert.equal(ext.length, 1, 'a migration creates the vector extension');
  } finally {
    await prisma.$disconnect();
  }
});

test('a migration edited after it was applied stops the run before anything new is applied', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  try {
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate({ databaseUrl: url, migrationsDir: dir });
    const [first] = (await readdir(dir)).sort();
    await writeFile(path.join(dir, first, 'migration.sql'), '-- edited\n', { flag: 'a' });
    await cp(path.join(dir, first), path.join(dir, '99990101000000_later'), { recursive: true });
    await writeFile(path.join(dir, '99990101000000_later', 'migration.sql'), 'CREATE TABLE never_created (id int);');
    await assert.rejects(migrate({ databaseUrl: url, migrationsDir: dir }), (e: unknown) => {
      assert.ok(e instanceof MigrationError);
      assert.match((e as Error).message, /was edited after it was applied/);
      return true;
    });
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(`SELECT to_regclass('never_created') AS t`);
    await c.end();
    assert.equal(rows[0].t, null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failing migration rolls back with its bookkeeping row', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  try {
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await cp(path.join(dir, (await readdir(dir))[0]), path.join(dir, '99990101000001_broken'), { recursive: true });
    await writeFile(path.join(dir, '99990101000001_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_fn();');
    await assert.rejects(migrate({ databaseUrl: url, migrationsDir: dir }), /99990101000001_broken failed/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const half = await c.query(`SELECT to_regclass('half_done') AS t`);
    const row = await c.query(`SELECT 1 FROM _prisma_migrations WHERE migration_name = '99990101000001_broken'`);
    await c.end();
    assert.equal(half.rows[0].t, null);
    assert.equal(row.rowCount, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
