'use client';
/**
 * Every model the viewer can see, by name, a page at a time ("Load more" follows the cursor),
 * optionally narrowed to one namespace (kept in the URL). Pages are fetched `network-only`
 * and appended in component state; changing the namespace or "Refresh" starts again.
 */
import { useRouter } from 'next/navigation';
import { useQuery } from 'urql';
import type { ModelsQuery } from '@/gql/graphql';
import { ListBody, ListError, LoadMore } from '@/components/ui/list-states';
import { FilterSelect, namespaceChoices, RefreshButton } from '@/components/ui/toolbar';
import { useCursorList } from '@/components/ui/use-cursor-list';
import { useMounted } from '@/components/ui/use-mounted';
import { modelsHref } from './model-links';
import { ModelsEmptyState } from './models-empty-state';
import { ModelsTable } from './models-table';
import { modelNamespacesQuery, modelsQuery } from './models.operations';

export const MODELS_PAGE_SIZE = 50;

export type ModelRow = ModelsQuery['models']['nodes'][number];

export function ModelsListPanel({ namespace }: { namespace: string | null }) {
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: modelNamespacesQuery, pause: !mounted });
  const { list, refresh, loadMore } = useCursorList({
    query: modelsQuery,
    variables: { namespace },
    select: (data) => data.models,
    pageSize: MODELS_PAGE_SIZE,
  });

  const models = list.items;
  const choices = namespaceChoices(namespace, namespaces.data?.namespaces.map((n) => n.name) ?? []);
  const aliasCount = models.reduce((sum, m) => sum + m.aliases.length, 0);

  return (
    <section className="card table-card" data-testid="models" aria-labelledby="models-title">
      <div className="table-card__head table-card__head--tools">
        <div>
          <h2 id="models-title" className="table-card__title">
            Registry
          </h2>
          <span className="muted" data-testid="models-count" data-value={models.length}>
            {list.loading && models.length === 0
              ? 'Loading…'
              : `${models.length} ${models.length === 1 ? 'model' : 'models'}${list.hasNextPage ? ', more available' : ''} · ${aliasCount} ${aliasCount === 1 ? 'alias' : 'aliases'}`}
          </span>
        </div>
        <div className="toolbar">
          <FilterSelect
            label="Namespace"
            allLabel="All namespaces"
            value={namespace ?? ''}
            options={choices}
            onChange={(value) => router.replace(modelsHref(value || null))}
            testId="models-filter-namespace"
          />
          <RefreshButton onClick={refresh} testId="models-refresh" />
        </div>
      </div>

      <ListError error={list.error} what="models" testId="models-error" />
      <ListBody list={list} empty={<ModelsEmptyState namespace={namespace} />}>
        <ModelsTable models={models} />
      </ListBody>
      {list.hasNextPage ? <LoadMore list={list} onClick={loadMore} testId="models-load-more" /> : null}
    </section>
  );
}
