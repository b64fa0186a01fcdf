/**
 * Per-request DataLoaders (Keystone's pattern): created lazily on first use in a
 * context, batching `where: { id: { in: ids } }` into one query and answering in key
 * order, so a list of N rows never costs N queries. Domains add their loaders here.
 */
import DataLoader from 'dataloader';
import type { Namespace, PrismaClient } from '@aivillage/db';

/** Orders rows to match `keys` (missing keys → null), as DataLoader requires. */
export function inKeyOrder<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => byKey.get(k) ?? null);
}

export function createLoaders(prisma: PrismaClient) {
  let namespaceById: DataLoader<string, Namespace | null> | undefined;
  return {
    get namespaceById() {
      return (namespaceById ??= new DataLoader(async (ids: readonly string[]) =>
        inKeyOrder(ids, await prisma.namespace.findMany({ where: { id: { in: [...ids] } } }), (n) => n.id),
      ));
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
