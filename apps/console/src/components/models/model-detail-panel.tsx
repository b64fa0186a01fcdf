'use client';
/**
 * One model: what it is (task, tags, description, aliases), its versions with their
 * signatures, alias management and version deletion (developers in its namespace), a "Try it"
 * runner, and its live inference metrics. The model is re-queried `network-only` after every
 * change made here.
 */
import Link from 'next/link';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import type { ModelQuery } from '@/gql/graphql';
import { useViewer } from '@/components/auth/viewer';
import { useMounted } from '@/components/ui/use-mounted';
import { useNow } from '@/components/ui/use-now';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatAgo, formatDateTime } from '@/lib/format';
import { AliasBadge } from './alias-badge';
import { ApiErrorCallout } from './api-error-callout';
import { InferenceMetricsPanel } from './inference-metrics-panel';
import { ModelAliasesForm } from './model-aliases-form';
import { modelsHref } from './model-links';
import { ModelVersionsTable } from './model-versions-table';
import { deleteModelVersionMutation, modelQuery } from './models.operations';
import { TryInferencePanel } from './try-inference-panel';

export type ModelDetail = ModelQuery['model'];
export type ModelVersionRow = ModelDetail['versions'][number];

export function ModelDetailPanel({ name, namespace }: { name: string; namespace: string }) {
  const mounted = useMounted();
  const now = useNow(10_000);
  const { viewer, isAdmin } = useViewer();
  const [result, reexecute] = useQuery({
    query: modelQuery,
    variables: { name, namespace },
    pause: !mounted,
    requestPolicy: 'cache-and-network',
  });
  const [, deleteVersion] = useMutation(deleteModelVersionMutation);
  const [deletingVersion, setDeletingVersion] = useState<number | null>(null);
  const [versionsError, setVersionsError] = useState<ApiErrorInfo | null>(null);

  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const model = result.data?.model;
  // Writes need DEVELOPER in the model's namespace (platform admins hold it everywhere).
  const canManage =
    isAdmin || Boolean(viewer?.user?.memberships.some((m) => m.namespace === namespace && m.role !== 'VIEWER'));

  const onDelete = async (version: ModelVersionRow): Promise<boolean> => {
    setDeletingVersion(version.version);
    setVersionsError(null);
    const outcome = await deleteVersion({ model: name, namespace, version: version.version });
    setDeletingVersion(null);
    if (outcome.error) {
      setVersionsError(apiError(outcome.error));
      return false;
    }
    refresh();
    return true;
  };

  const loadError = result.error && !model ? apiError(result.error) : null;

  return (
    <div className="model" data-testid="model-detail" data-name={name} data-namespace={namespace}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={modelsHref()} className="link" data-testid="models-back">
          Models
        </Link>
        <span aria-hidden>/</span>
        <Link href={modelsHref(namespace)} className="link">
          {namespace}
        </Link>
        <span aria-hidden>/</span>
        <span className="crumbs__current">{name}</span>
      </nav>

      {loadError ? (
        <ApiErrorCallout
          error={loadError}
          testId="model-error"
          prefix={loadError.code === 'NOT_FOUND' ? undefined : 'Could not load the model'}
        />
      ) : !model ? (
        <div className="card skeleton" aria-busy />
      ) : (
        <>
          <header className="card model__head" data-testid="model-summary">
            <div className="model__title-row">
              <h2 className="model__title" data-testid="model-name">
                {model.name}
              </h2>
              <span className="task" data-testid="model-task">
                {model.task}
              </span>
              <span className="chip">{model.namespace}</span>
              {model.aliases.map((a) => (
                <AliasBadge key={a.alias} alias={a.alias} version={a.version} />
              ))}
            </div>
            {model.description ? <p className="model__description">{model.description}</p> : null}
            <div className="model__meta muted">
              <span data-testid="model-version-count" data-value={model.versions.length}>
                {model.versions.length} {model.versions.length === 1 ? 'version' : 'versions'}
              </span>
              {model.tags.length ? (
                <span>
                  {model.tags.map((t) => (
                    <span key={t} className="chip">
                      {t}
                    </span>
                  ))}
                </span>
              ) : null}
              <span title={formatDateTime(model.createdAt, true)}>created {formatAgo(model.createdAt, now)}</span>
              <span title={formatDateTime(model.updatedAt, true)}>updated {formatAgo(model.updatedAt, now)}</span>
            </div>
          </header>

          <section className="card table-card" data-testid="model-versions" aria-labelledby="model-versions-title">
            <div className="table-card__head">
              <h3 id="model-versions-title" className="table-card__title">
                Versions
              </h3>
              <span className="muted">newest first · immutable; aliases move between them</span>
            </div>
            {versionsError ? (
              <div className="table-card__callout">
                <ApiErrorCallout error={versionsError} testId="model-versions-error" />
              </div>
            ) : null}
            <ModelVersionsTable
              versions={model.versions}
              canDelete={canManage}
              deletingVersion={deletingVersion}
              onDelete={onDelete}
            />
          </section>

          <div className="grid grid--model">
            <TryInferencePanel model={model} />
            <ModelAliasesForm model={model} canManage={canManage} onChanged={refresh} />
          </div>

          <InferenceMetricsPanel name={model.name} namespace={model.namespace} />
        </>
      )}
    </div>
  );
}
