/**
 * Per-request DataLoaders (Keystone's pattern): created lazily on first use in a
 * context, batching `where: { id: { in: ids } }` into one query and answering in key
 * order, so a list of N rows never costs N queries. Domains add their loaders here.
 */
import DataLoader from 'dataloader';
import type { Namespace, PrismaClient } from '@aivillage/db';
import type { ModelRegistryService } from '@aivillage/models';

/** Orders rows to match `keys` (missing keys → null), as DataLoader requires. */
export function inKeyOrder<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => byKey.get(k) ?? null);
}

type Loader<K, V> = DataLoader<K, V> | undefined;
type VersionRows = Awaited<ReturnType<ModelRegistryService['versionsOf']>>[number];
type AliasRows = Awaited<ReturnType<ModelRegistryService['aliasesOf']>>[number];

export function createLoaders({ prisma, models }: { prisma: PrismaClient; models: ModelRegistryService }) {
  let namespaceById: Loader<string, Namespace | null>;
  let modelVersions: Loader<string, VersionRows>;
  let modelAliases: Loader<string, AliasRows>;
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
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
