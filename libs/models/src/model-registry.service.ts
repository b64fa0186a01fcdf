/**
 * The model registry: models (name, task, description, tags) in a namespace, their immutable
 * versions (an ONNX artifact in the ArtifactStore plus what was read from it), and aliases
 * (`production` → v3) as in MLflow's registry.
 *
 * Callers check the namespace role (DEVELOPER to write) before calling; reads take the
 * caller's visibility filter. Concurrency rules:
 * - every write to a model takes its row lock first (registering increments
 *   `last_version` with an UPDATE, the others SELECT ... FOR UPDATE), so version numbers
 *   are unique and never reused, and an alias cannot be pointed at a version being deleted;
 * - rows that reference an artifact and the artifact's file are changed under a Postgres
 *   advisory lock on its sha256, so deleting the last version of a sha cannot remove the
 *   file under a registration of the same sha;
 * - storage is reserved before a version is written and released if that fails, or when
 *   the version is deleted.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode, badInput } from '@aivillage/errors';
import type { Model, ModelAlias, ModelVersion, Prisma, PrismaClient } from '@aivillage/db';
import type { ArtifactStore } from './artifact-store.js';
import { readOnnxModel, type TensorSpec } from './onnx-file.js';

/** What the registry needs from StorageQuotaService (@aivillage/auth). */
export interface StorageQuota {
  reserve(namespace: string, bytes: number): Promise<unknown>;
  release(namespace: string, bytes: number): Promise<void>;
}

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const ALIAS_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;
const MAX_TAGS = 32;
/** The alias inference uses when a request names neither a version nor an alias. */
export const DEFAULT_ALIAS = 'production';
/** First key of the two-key advisory locks taken on artifact hashes ("MODL"). */
const ARTIFACT_LOCK_CLASS = 0x4d4f444c;

export type ModelWithNamespace = Model & { namespace: { name: string } };

export interface RegisterVersionInput {
  namespace: string;
  model: string;
  sha256: string;
  /** Required when the model does not exist yet; given later, it updates the model. */
  task?: string | null;
  description?: string | null;
  tags?: string[] | null;
  metrics?: Record<string, unknown> | null;
  trainingRunId?: string | null;
  /** The phase of that run (set by training executors). */
  trainingPhaseId?: string | null;
  /** Aliases to point at the new version (moved from older versions if they exist). */
  aliases?: string[] | null;
  createdById?: string | null;
}

export interface ListModelsInput {
  /** The caller's visibility, ANDed into the query (e.g. `inNamespaces(principal)`). */
  visible: Prisma.ModelWhereInput;
  namespace?: string | null;
  first: number;
  /** A model id from a previous page. */
  after?: string | null;
}

export interface ModelRegistryDeps {
  prisma: PrismaClient;
  store: ArtifactStore;
  storage: StorageQuota;
  /** Called after a write that can change what a name, alias or "latest" resolves to. */
  onChange?: (namespace: string, model: string) => void;
}

const withNamespace = { namespace: { select: { name: true } } } as const;

export class ModelRegistryService {
  constructor(private readonly deps: ModelRegistryDeps) {}

  async registerVersion(input: RegisterVersionInput): Promise<{ model: ModelWithNamespace; version: ModelVersion }> {
    const { prisma, store, storage } = this.deps;
    checkModelName(input.model);
    if (!SHA256.test(input.sha256)) throw badInput('sha256 must be 64 lowercase hex digits', { field: 'sha256' });
    if (input.task != null && (input.task.length < 1 || input.task.length > 64)) throw badInput('task must be 1 to 64 characters', { field: 'task' });
    if (input.tags != null) checkTags(input.tags);
    if (input.metrics != null && (typeof input.metrics !== 'object' || Array.isArray(input.metrics))) {
      throw badInput('metrics must be a JSON object, e.g. { "accuracy": 0.97 }', { field: 'metrics' });
    }
    if (input.trainingRunId != null && !UUID.test(input.trainingRunId)) throw badInput('trainingRunId must be a UUID', { field: 'trainingRunId' });
    const aliases = [...new Set(input.aliases ?? [])];
    aliases.forEach(checkAlias);

    const ns = await prisma.namespace.findUnique({ where: { name: input.namespace }, select: { id: true } });
    if (!ns) throw new AppError(ErrorCode.NOT_FOUND, `Namespace ${JSON.stringify(input.namespace)} not found`);
    if (input.trainingRunId != null) {
      // Lineage only to a run of the same namespace.
      const run = await prisma.trainingRun.findFirst({ where: { id: input.trainingRunId, namespaceId: ns.id }, select: { id: true } });
      if (!run) throw new AppError(ErrorCode.NOT_FOUND, `Training run ${input.trainingRunId} not found in namespace ${JSON.stringify(input.namespace)}`, { details: { field: 'trainingRunId' } });
    }
    // Read outside any lock: parsing a large model takes a while. The file is checked again
    // under the artifact lock below.
    const bytes = await store.read(input.sha256);
    const info = readOnnxModel(bytes);
    const sizeBytes = bytes.byteLength;

    await storage.reserve(input.namespace, sizeBytes);
    try {
      const result = await prisma.$transaction(async (tx) => {
        await lockArtifact(tx, input.sha256);
        if (!(await store.has(input.sha256))) throw artifactMissing(input.sha256);
        const model = await this.nextVersion(tx, ns.id, input);
        const version = await tx.modelVersion.create({
          data: {
            modelId: model.id,
            version: model.lastVersion,
            sha256: input.sha256,
            sizeBytes: BigInt(sizeBytes),
            opset: info.opset,
            irVersion: info.irVersion,
            producer: info.producer,
            inputs: signatureJson(info.inputs),
            outputs: signatureJson(info.outputs),
            parameterCount: BigInt(info.parameterCount),
            quantisation: info.quantisation,
            metrics: (input.metrics ?? undefined) as Prisma.InputJsonObject | undefined,
            trainingRunId: input.trainingRunId ?? null,
            trainingPhaseId: input.trainingPhaseId ?? null,
            createdById: input.createdById ?? null,
          },
        });
        for (const alias of aliases) {
          await tx.modelAlias.upsert({
            where: { modelId_alias: { modelId: model.id, alias } },
            create: { modelId: model.id, alias, versionId: version.id },
            update: { versionId: version.id },
          });
        }
        return { model, version };
      });
      this.changed(input.namespace, input.model);
      return result;
    } catch (error) {
      await storage.release(input.namespace, sizeBytes);
      throw error;
    }
  }

  async listModels({ visible, namespace, first, after }: ListModelsInput): Promise<{ nodes: ModelWithNamespace[]; hasNextPage: boolean }> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first must be between 1 and 500', { field: 'first' });
    if (after != null && !UUID.test(after)) throw badInput('after is not a cursor from this list', { field: 'after' });
    const where: Prisma.ModelWhereInput = { AND: [visible, namespace != null ? { namespace: { name: namespace } } : {}] };
    const rows = await this.deps.prisma.model.findMany({
      where,
      include: withNamespace,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      ...(after != null ? { cursor: { id: after }, skip: 1 } : {}),
      take: first + 1,
    });
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  async getModel(namespace: string, name: string): Promise<ModelWithNamespace> {
    const model = await this.deps.prisma.model.findFirst({ where: { name, namespace: { name: namespace } }, include: withNamespace });
    if (!model) throw modelNotFound(namespace, name);
    return model;
  }

  /** Points `alias` at `version` of the model, or removes it when `version` is null. */
  async setAlias(namespace: string, modelName: string, alias: string, version: number | null): Promise<ModelWithNamespace> {
    checkAlias(alias);
    const result = await this.deps.prisma.$transaction(async (tx) => {
      const model = await lockModel(tx, namespace, modelName);
      if (version === null) {
        await tx.modelAlias.deleteMany({ where: { modelId: model.id, alias } });
      } else {
        const target = await tx.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version } }, select: { id: true } });
        if (!target) throw versionNotFound(namespace, modelName, version);
        await tx.modelAlias.upsert({
          where: { modelId_alias: { modelId: model.id, alias } },
          create: { modelId: model.id, alias, versionId: target.id },
          update: { versionId: target.id },
        });
      }
      return model;
    });
    this.changed(namespace, modelName);
    return result;
  }

  /**
   * Deletes one version. Refused with CONFLICT (naming the aliases) while an alias points to
   * it. Releases its storage, and removes the artifact once no version anywhere refers to it.
   */
  async deleteVersion(namespace: string, modelName: string, version: number): Promise<ModelWithNamespace> {
    const { model, deleted } = await this.deps.prisma.$transaction(async (tx) => {
      const model = await lockModel(tx, namespace, modelName);
      const row = await tx.modelVersion.findUnique({
        where: { modelId_version: { modelId: model.id, version } },
        include: { aliases: { select: { alias: true }, orderBy: { alias: 'asc' } } },
      });
      if (!row) throw versionNotFound(namespace, modelName, version);
      if (row.aliases.length) {
        const names = row.aliases.map((a) => a.alias);
        throw new AppError(
          ErrorCode.CONFLICT,
          `Version ${version} of model ${JSON.stringify(modelName)} is what ${names.map((n) => JSON.stringify(n)).join(', ')} ${names.length === 1 ? 'points' : 'point'} to; move or remove ${names.length === 1 ? 'that alias' : 'those aliases'} first`,
          { details: { aliases: names } },
        );
      }
      await tx.modelVersion.delete({ where: { id: row.id } });
      return { model, deleted: row };
    });
    this.changed(namespace, modelName);
    await this.deps.storage.release(namespace, Number(deleted.sizeBytes));
    await this.collectArtifact(deleted.sha256);
    return model;
  }

  /**
   * The version a request means: `version`, or the version `alias` points to, or (neither
   * given) the `production` alias when the model has one, else the latest version.
   */
  async resolveVersion(namespace: string, modelName: string, selector: { version?: number | null; alias?: string | null }): Promise<ModelVersion> {
    const { version, alias } = selector;
    if (version != null && alias != null) throw badInput('give version or alias, not both', { field: 'alias' });
    if (version != null && (!Number.isInteger(version) || version < 1)) throw badInput('version must be a positive integer', { field: 'version' });
    if (alias != null) checkAlias(alias);
    const model = await this.deps.prisma.model.findFirst({
      where: { name: modelName, namespace: { name: namespace } },
      select: {
        id: true,
        aliases: { select: { alias: true, version: true }, orderBy: { alias: 'asc' } },
        versions: { where: version != null ? { version } : {}, orderBy: { version: 'desc' }, take: 1 },
      },
    });
    if (!model) throw modelNotFound(namespace, modelName);
    if (version != null) {
      if (!model.versions[0]) throw versionNotFound(namespace, modelName, version);
      return model.versions[0];
    }
    const wanted = alias ?? DEFAULT_ALIAS;
    const pointed = model.aliases.find((a) => a.alias === wanted);
    if (pointed) return pointed.version;
    if (alias != null) {
      throw new AppError(ErrorCode.NOT_FOUND, `Model ${JSON.stringify(modelName)} has no alias ${JSON.stringify(alias)}`, {
        details: { namespace, model: modelName, alias, aliases: model.aliases.map((a) => a.alias) },
      });
    }
    if (!model.versions[0]) throw new AppError(ErrorCode.NOT_FOUND, `Model ${JSON.stringify(modelName)} has no versions`, { details: { namespace, model: modelName } });
    return model.versions[0];
  }

  /** Versions of each model, newest first, in key order (for DataLoaders). */
  async versionsOf(modelIds: readonly string[]): Promise<ModelVersion[][]> {
    const rows = await this.deps.prisma.modelVersion.findMany({ where: { modelId: { in: [...modelIds] } }, orderBy: { version: 'desc' } });
    return groupInKeyOrder(modelIds, rows, (r) => r.modelId);
  }

  /** Aliases of each model with their version numbers, by alias, in key order (for DataLoaders). */
  async aliasesOf(modelIds: readonly string[]): Promise<(ModelAlias & { version: { version: number } })[][]> {
    const rows = await this.deps.prisma.modelAlias.findMany({
      where: { modelId: { in: [...modelIds] } },
      include: { version: { select: { version: true } } },
      orderBy: { alias: 'asc' },
    });
    return groupInKeyOrder(modelIds, rows, (r) => r.modelId);
  }

  private changed(namespace: string, model: string): void {
    try {
      this.deps.onChange?.(namespace, model);
    } catch {
      // a listener's failure must not fail the write that already committed
    }
  }

  /** Removes the artifact file when no version refers to its sha256 any more. */
  private async collectArtifact(sha256: string): Promise<void> {
    await this.deps.prisma.$transaction(async (tx) => {
      await lockArtifact(tx, sha256);
      if ((await tx.modelVersion.count({ where: { sha256 } })) === 0) await this.deps.store.remove(sha256);
    });
  }

  /**
   * Locks the model row by incrementing its version counter, creating the model on its first
   * version. INSERT ... ON CONFLICT DO NOTHING waits for a concurrent creator, whose row the
   * UPDATE then sees, so two first registrations give v1 and v2.
   */
  private async nextVersion(tx: Prisma.TransactionClient, namespaceId: string, input: RegisterVersionInput): Promise<ModelWithNamespace> {
    const where = { namespaceId, name: input.model };
    const meta = {
      ...(input.task != null ? { task: input.task } : {}),
      ...(input.description != null ? { description: input.description } : {}),
      ...(input.tags != null ? { tags: input.tags } : {}),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const updated = await tx.model.updateMany({ where, data: { ...meta, lastVersion: { increment: 1 } } });
      if (updated.count === 1) return tx.model.findUniqueOrThrow({ where: { namespaceId_name: where }, include: withNamespace });
      if (input.task == null) throw badInput(`task is required for the first version of model ${JSON.stringify(input.model)}`, { field: 'task' });
      const created = await tx.model.createMany({
        data: [{ id: randomUUID(), ...where, task: input.task, description: input.description ?? null, tags: input.tags ?? [], lastVersion: 1 }],
        skipDuplicates: true,
      });
      if (created.count === 1) return tx.model.findUniqueOrThrow({ where: { namespaceId_name: where }, include: withNamespace });
    }
    throw new Error(`model ${input.model} neither updated nor created`);
  }
}

async function lockModel(tx: Prisma.TransactionClient, namespace: string, name: string): Promise<ModelWithNamespace> {
  const model = await tx.model.findFirst({ where: { name, namespace: { name: namespace } }, include: withNamespace });
  if (!model) throw modelNotFound(namespace, name);
  await tx.$queryRaw`SELECT 1 FROM models WHERE id = ${model.id}::uuid FOR UPDATE`;
  return model;
}

async function lockArtifact(tx: Prisma.TransactionClient, sha256: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ARTIFACT_LOCK_CLASS}::int, hashtext(${sha256}))`;
}

function groupInKeyOrder<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}

/** Signatures as stored: plain JSON (readOnnxModel's specs are already JSON-safe). */
function signatureJson(specs: TensorSpec[]): Prisma.InputJsonArray {
  return specs.map((s) => ({ name: s.name, dtype: s.dtype, shape: s.shape }));
}

function checkModelName(name: string): void {
  if (!MODEL_NAME.test(name)) {
    throw badInput('model name must be 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit', { field: 'model' });
  }
}

function checkAlias(alias: string): void {
  if (!ALIAS_NAME.test(alias)) {
    throw badInput(`alias ${JSON.stringify(alias)} must match ${ALIAS_NAME.source} (e.g. production, staging)`, { field: 'alias', alias });
  }
}

function checkTags(tags: string[]): void {
  if (tags.length > MAX_TAGS) throw badInput(`at most ${MAX_TAGS} tags`, { field: 'tags' });
  if (tags.some((t) => t.length < 1 || t.length > 64)) throw badInput('tags must be 1 to 64 characters each', { field: 'tags' });
}

const modelNotFound = (namespace: string, name: string) =>
  new AppError(ErrorCode.NOT_FOUND, `Model ${JSON.stringify(name)} not found in namespace ${JSON.stringify(namespace)}`, { details: { namespace, model: name } });

const versionNotFound = (namespace: string, name: string, version: number) =>
  new AppError(ErrorCode.NOT_FOUND, `Model ${JSON.stringify(name)} has no version ${version} in namespace ${JSON.stringify(namespace)}`, {
    details: { namespace, model: name, version },
  });

const artifactMissing = (sha256: string) =>
  new AppError(ErrorCode.NOT_FOUND, `Model artifact ${sha256} not found; upload it first`, { details: { sha256 } });
