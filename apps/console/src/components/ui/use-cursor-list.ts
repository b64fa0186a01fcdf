'use client';
/**
 * A list read a page at a time through a cursor connection (`first`/`after` → `nodes`,
 * `pageInfo`): pages are fetched `network-only` and appended in component state. Other
 * variables (filters, by value) or `refresh()` start again from the first page, and an answer
 * for a list that was started again meanwhile is dropped. Loads once mounted.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, type AnyVariables, type TypedDocumentNode } from 'urql';
import { apiError } from '@/lib/errors';
import { useMounted } from './use-mounted';

export interface Connection<Node> {
  nodes: Node[];
  pageInfo: { endCursor?: string | null; hasNextPage: boolean };
}

export interface CursorList<Node> {
  items: Node[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
}

function emptyList<Node>(): CursorList<Node> {
  return { items: [], endCursor: null, hasNextPage: false, loading: true, error: null };
}

export function useCursorList<Data, Variables extends AnyVariables, Node>({
  query,
  variables,
  select,
  pageSize,
  onPage,
}: {
  query: TypedDocumentNode<Data, Variables>;
  /** Every variable but `first` and `after`. */
  variables: Omit<Variables, 'first' | 'after'>;
  select: (data: Data) => Connection<Node>;
  pageSize: number;
  /** Called with each page's nodes as they are appended. */
  onPage?: (nodes: Node[]) => void;
}): {
  list: CursorList<Node>;
  /** From the first page again, the table cleared meanwhile. */
  refresh: () => void;
  /** The next page, appended. */
  loadMore: () => void;
  /** The rows already shown again (at least a page, at most `maxRows`), the table kept as it is until the answer comes. */
  reloadShown: (maxRows: number) => void;
} {
  const client = useClient();
  const mounted = useMounted();
  const [list, setList] = useState<CursorList<Node>>(emptyList);
  const generation = useRef(0);
  const loadedCount = useRef(0);
  // Compared by value: a new object with the same filters is no new list.
  const key = JSON.stringify(variables);
  const filters = useMemo(() => variables, [key]);
  // Read when an answer comes, so they need not be stable.
  const callbacks = useRef({ select, onPage });
  useEffect(() => {
    callbacks.current = { select, onPage };
  });

  const load = useCallback(
    async (after: string | null, reloadRows?: number) => {
      const mine = after ? generation.current : ++generation.current;
      const first = reloadRows ? Math.min(reloadRows, Math.max(pageSize, loadedCount.current)) : pageSize;
      if (!reloadRows) setList((prev) => (after ? { ...prev, loading: true, error: null } : emptyList()));
      const result = await client
        .query(query, { ...filters, first, after } as unknown as Variables, { requestPolicy: 'network-only' })
        .toPromise();
      if (mine !== generation.current) return; // a newer filter or refresh started meanwhile
      if (result.error || !result.data) {
        const message = result.error ? apiError(result.error).message : 'No answer from the API';
        setList((prev) => ({ ...prev, loading: false, error: message }));
        return;
      }
      const page = callbacks.current.select(result.data);
      setList((prev) => {
        const items = after ? [...prev.items, ...page.nodes] : page.nodes;
        loadedCount.current = items.length;
        return {
          items,
          endCursor: page.pageInfo.endCursor ?? null,
          hasNextPage: page.pageInfo.hasNextPage,
          loading: false,
          error: null,
        };
      });
      callbacks.current.onPage?.(page.nodes);
    },
    [client, query, filters, pageSize],
  );

  useEffect(() => {
    if (mounted) void load(null);
  }, [mounted, load]);

  const reloadShown = useCallback((maxRows: number) => void load(null, maxRows), [load]);
  return { list, refresh: () => void load(null), loadMore: () => void load(list.endCursor), reloadShown };
}
