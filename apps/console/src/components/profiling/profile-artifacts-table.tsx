'use client';
/** Captured profiles, newest first: status, size, and a download link once READY. */
import type { ProfileArtifactFieldsFragment } from '@/gql/graphql';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { formatBytes, formatDateTime, titleCase } from '@/lib/format';

const TONE: Record<ProfileArtifactFieldsFragment['status'], Tone> = { PENDING: 'neutral', CAPTURING: 'warn', READY: 'ok', FAILED: 'error' };

export function ProfileArtifactsTable({ artifacts, apiBase }: { artifacts: readonly ProfileArtifactFieldsFragment[]; apiBase: string }) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid="profile-artifacts">
        <thead>
          <tr>
            <th>Requested</th>
            <th>Kind</th>
            <th>Process</th>
            <th>Status</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr key={a.id} data-testid="profile-artifact" data-id={a.id} data-kind={a.kind} data-status={a.status}>
              <td className="mono small">
                {formatDateTime(a.createdAt, true)}
                <div className="muted">by {a.requestedBy}</div>
              </td>
              <td>{a.kind === 'CPU' ? `CPU profile · ${a.seconds} s` : 'Heap snapshot'}</td>
              <td className="mono small">
                {a.targetComponent === 'API' ? 'API' : 'Worker'} {a.targetInstance}
              </td>
              <td>
                <StatusBadge tone={TONE[a.status]} testId="profile-artifact-status">
                  {titleCase(a.status)}
                </StatusBadge>
                {a.error ? <div className="small muted" data-testid="profile-artifact-error">{a.error}</div> : null}
              </td>
              <td className="small">{a.sizeBytes == null ? '—' : formatBytes(a.sizeBytes)}</td>
              <td className="actions">
                {a.downloadUrl ? (
                  <a className="button button--secondary button--small" href={`${apiBase}${a.downloadUrl}`} download={a.fileName} data-testid="profile-artifact-download">
                    Download {a.fileName.replace(/^profile-\d+/, '')}
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
