/**
 * What a table card shows around a list read page by page (use-cursor-list.ts): the load
 * error, skeleton rows while the first page loads, the empty state, and "Load more".
 */
import type { ReactNode } from 'react';
import type { CursorList } from './use-cursor-list';

export function ListError({ error, what, testId }: { error: string | null; what: string; testId: string }) {
  return error ? (
    <div className="callout callout--error table-card__callout" role="alert" data-testid={testId}>
      Could not load {what}: {error}
    </div>
  ) : null;
}

/** Skeleton rows until the first page, then `empty` (unless loading failed) or the rows. */
export function ListBody({ list, empty, children }: { list: CursorList<unknown>; empty: ReactNode; children: ReactNode }) {
  if (list.items.length > 0) return children;
  if (list.loading) return <div className="skeleton skeleton--rows" aria-busy />;
  return list.error ? null : empty;
}

export function LoadMore({
  list,
  onClick,
  testId,
  label = 'Load more',
  small = true,
}: {
  list: CursorList<unknown>;
  onClick: () => void;
  testId: string;
  label?: string;
  small?: boolean;
}) {
  return (
    <div className="table-card__foot">
      <button
        type="button"
        className={small ? 'button button--secondary button--small' : 'button button--secondary'}
        disabled={list.loading}
        onClick={onClick}
        data-testid={testId}
      >
        {list.loading ? 'Loading…' : label}
      </button>
    </div>
  );
}
