'use client';
/**
 * The namespace's documents, newest first, a page at a time, filterable by status: title and
 * source, status (with the error of a FAILED one), chunk, entity and relation counts, size,
 * attempts and times. Live while documents are in flight: each of the first
 * MAX_LIVE_DOCUMENTS in-flight rows follows its `ingestionProgress` (stage, chunks embedded)
 * and re-reads the list when it ends; the whole list is also re-read every POLL_MS while any
 * listed document is in flight (the final counts, and rows beyond the live ones). Delete asks
 * first.
 */
import { useEffect, useRef, useState } from 'react';
import { useMutation, useSubscription } from 'urql';
import type { DocumentStatus, KnowledgeDocumentFieldsFragment, KnowledgeIngestionProgressSubscription } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { ConfirmBar } from '@/components/ui/confirm-bar';
import { ListBody, ListError, LoadMore } from '@/components/ui/list-states';
import { Section } from '@/components/ui/section';
import { StatusBadge } from '@/components/ui/status-badge';
import { FilterSelect, RefreshButton } from '@/components/ui/toolbar';
import { useCursorList } from '@/components/ui/use-cursor-list';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatBytes, formatDateTime, titleCase } from '@/lib/format';
import { DOCUMENT_STATUSES, documentTone, isFinalStage, isInFlight, MAX_LIVE_DOCUMENTS, POLL_MS, STAGE_LABELS } from './knowledge-model';
import { deleteDocumentMutation, ingestionProgressSubscription, knowledgeDocumentsQuery } from './knowledge.operations';

type DocumentRow = KnowledgeDocumentFieldsFragment;
type Progress = KnowledgeIngestionProgressSubscription['ingestionProgress'];

const PAGE_SIZE = 25;
/** Rows re-read at most by a live refresh (what "Load more" showed beyond a page). */
const MAX_RELOAD_ROWS = 200;

export function KnowledgeDocumentsPanel({ namespace, reloadKey }: { namespace: string; reloadKey: number }) {
  const [status, setStatus] = useState<DocumentStatus | ''>('');
  const { list, refresh, loadMore, reloadShown } = useCursorList({
    query: knowledgeDocumentsQuery,
    variables: { namespace, status: status || null },
    select: (data) => data.documents,
    pageSize: PAGE_SIZE,
  });
  const reload = () => reloadShown(MAX_RELOAD_ROWS);
  // A document was added: re-read now (only on the bump, not when the filter changes the list).
  const latestReload = useRef(reload);
  useEffect(() => {
    latestReload.current = reload;
  });
  useEffect(() => {
    if (reloadKey > 0) latestReload.current();
  }, [reloadKey]);

  const inFlight = list.items.filter((d) => isInFlight(d.status));
  useInterval(reload, inFlight.length > 0 ? POLL_MS : null);
  const live = new Set(inFlight.slice(0, MAX_LIVE_DOCUMENTS).map((d) => d.id));

  const [deleting, remove] = useMutation(deleteDocumentMutation);
  const [confirming, setConfirming] = useState<DocumentRow | null>(null);
  const [actionError, setActionError] = useState<ApiErrorInfo | null>(null);
  const onDelete = async (doc: DocumentRow) => {
    setActionError(null);
    const result = await remove({ id: doc.id });
    setConfirming(null);
    if (result.error) setActionError(apiError(result.error));
    reload();
  };

  const ready = list.items.filter((d) => d.status === 'READY').length;
  return (
    <Section
      testId="knowledge-documents"
      title="Documents"
      sub={`Newest first. In-flight documents update live (stages through the ingestion subscription, the list re-read every ${POLL_MS / 1000} s).`}
      aside={
        <div className="toolbar">
          <span
            className="muted small knowledge-docs__count"
            data-testid="knowledge-documents-count"
            data-value={list.items.length}
            data-ready={ready}
            data-in-flight={inFlight.length}
            data-more={list.hasNextPage}
          >
            {list.loading && list.items.length === 0
              ? 'Loading…'
              : `${list.items.length}${list.hasNextPage ? '+' : ''} ${list.items.length === 1 ? 'document' : 'documents'} · ${inFlight.length} in flight`}
          </span>
          <FilterSelect
            label="Status"
            allLabel="All"
            value={status}
            options={DOCUMENT_STATUSES.map((s) => ({ value: s, label: titleCase(s) }))}
            onChange={(value) => setStatus(value as DocumentStatus | '')}
            testId="knowledge-documents-status"
          />
          <RefreshButton onClick={refresh} testId="knowledge-documents-refresh" />
        </div>
      }
    >
      {actionError ? <ApiErrorCallout error={actionError} testId="knowledge-delete-error" prefix="Could not delete the document" /> : null}
      {confirming ? (
        <ConfirmBar
          label="Delete document"
          title={`Delete “${confirming.title}”?`}
          action="Delete"
          busyAction="Deleting…"
          busy={deleting.fetching}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void onDelete(confirming)}
          testIdPrefix="knowledge-delete"
        >
          Its {confirming.chunkCount} chunks go, with the relations only it was evidence of and the entities left with nothing. Search
          stops finding it at once.
        </ConfirmBar>
      ) : null}
      <div className="card table-card">
        <ListError error={list.error} what="the documents" testId="knowledge-documents-error" />
        <ListBody
          list={list}
          empty={
            <div className="empty" data-testid="knowledge-documents-empty">
              {status
                ? `No ${status.toLowerCase()} documents in this namespace.`
                : 'No documents in this namespace yet. Add one above, or in bulk with npm run ingest -- <files> --namespace <ns> --key <key>.'}
            </div>
          }
        >
          <div className="table-scroll">
            <table className="table table--documents" data-testid="knowledge-documents-table">
              <thead>
                <tr>
                  <th>Document</th>
                  <th>Status</th>
                  <th className="num">Chunks</th>
                  <th className="num">Entities</th>
                  <th className="num">Relations</th>
                  <th className="num">Size</th>
                  <th>Added</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {list.items.map((d) => (
                  <tr key={d.id} data-testid="knowledge-document" data-id={d.id} data-title={d.title} data-status={d.status}>
                    <td className="cell-details">
                      <span className="cell-title" data-testid="knowledge-document-title">
                        {d.title}
                      </span>
                      <div className="muted small cell-sub" title={d.id}>
                        {d.source ? <span className="knowledge-doc__source">{d.source} · </span> : null}
                        <span className="mono">{d.id.slice(0, 8)}</span>
                        {d.embedder ? <span> · {d.embedder}</span> : null}
                      </div>
                    </td>
                    <td className="knowledge-doc__status">
                      <DocumentStatusBadge status={d.status} />
                      {live.has(d.id) ? <IngestionProgressLine documentId={d.id} onFinished={reload} /> : null}
                      {d.status === 'FAILED' && d.error ? (
                        <div className="knowledge-doc__error small" data-testid="knowledge-document-error" title={d.error}>
                          {d.error}
                        </div>
                      ) : null}
                      {d.attempts > 1 ? <div className="muted small">{d.attempts} attempts</div> : null}
                    </td>
                    <td className="num mono" data-testid="knowledge-document-chunks" data-value={d.chunkCount}>
                      {d.chunkCount}
                    </td>
                    <td className="num mono" data-testid="knowledge-document-entities" data-value={d.entityCount}>
                      {d.entityCount}
                    </td>
                    <td className="num mono" data-testid="knowledge-document-relations" data-value={d.relationCount}>
                      {d.relationCount}
                    </td>
                    <td className="num mono">{formatBytes(d.sizeBytes)}</td>
                    <td className="small" title={d.processedAt ? `processed ${formatDateTime(d.processedAt, true)}` : undefined}>
                      {formatDateTime(d.createdAt)}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--ghost-danger button--small"
                        onClick={() => setConfirming(d)}
                        data-testid="knowledge-document-delete"
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ListBody>
        {list.hasNextPage ? <LoadMore list={list} onClick={loadMore} testId="knowledge-documents-more" /> : null}
      </div>
    </Section>
  );
}

function DocumentStatusBadge({ status }: { status: DocumentStatus }) {
  return (
    <span className={status === 'PROCESSING' ? 'pulse' : undefined} data-testid="knowledge-document-status" data-status={status}>
      <StatusBadge tone={documentTone(status)}>{titleCase(status)}</StatusBadge>
    </span>
  );
}

/** An in-flight document's latest stage from `ingestionProgress`; calls `onFinished` once on READY or FAILED. */
function IngestionProgressLine({ documentId, onFinished }: { documentId: string; onFinished: () => void }) {
  const mounted = useMounted();
  const [result] = useSubscription<KnowledgeIngestionProgressSubscription, Progress>(
    { query: ingestionProgressSubscription, variables: { documentId }, pause: !mounted },
    (_prev, data) => data.ingestionProgress,
  );
  const progress = result.data;
  const finished = useRef(false);
  const latest = useRef(onFinished);
  useEffect(() => {
    latest.current = onFinished;
  });
  useEffect(() => {
    if (progress && isFinalStage(progress.stage) && !finished.current) {
      finished.current = true;
      latest.current();
    }
  }, [progress]);
  if (!progress) return null;
  const share = progress.stage === 'EMBEDDING' && progress.chunks ? Math.min(1, (progress.embedded ?? 0) / progress.chunks) : null;
  return (
    <div className="knowledge-doc__progress small" data-testid="knowledge-document-stage" data-stage={progress.stage} data-embedded={progress.embedded ?? ''} data-chunks={progress.chunks ?? ''}>
      <span className="muted">{STAGE_LABELS[progress.stage]}</span>
      {progress.stage === 'EMBEDDING' && progress.chunks ? (
        <span className="mono">
          {' '}
          {progress.embedded ?? 0}/{progress.chunks}
        </span>
      ) : null}
      {share != null ? (
        <span className="knowledge-doc__bar" aria-hidden>
          <span className="knowledge-doc__bar-fill" style={{ width: `${Math.round(share * 100)}%` }} />
        </span>
      ) : null}
    </div>
  );
}
