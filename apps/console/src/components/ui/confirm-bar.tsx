/** An inline confirmation of a destructive action: what happens, Cancel, and the action (busy while it runs). */
import type { ReactNode } from 'react';

export function ConfirmBar({
  label,
  title,
  children,
  action,
  busyAction,
  busy,
  onCancel,
  onConfirm,
  testIdPrefix,
}: {
  /** The dialog's accessible name. */
  label: string;
  title: ReactNode;
  /** What confirming does. */
  children: ReactNode;
  action: string;
  busyAction: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  /** Test ids: `<testIdPrefix>-dialog`, `-cancel` and `-confirm`. */
  testIdPrefix: string;
}) {
  return (
    <div className="confirm" role="alertdialog" aria-label={label} data-testid={`${testIdPrefix}-dialog`}>
      <div>
        <strong>{title}</strong>
        <div className="muted">{children}</div>
      </div>
      <div className="confirm__actions">
        <button type="button" className="button button--secondary" onClick={onCancel} data-testid={`${testIdPrefix}-cancel`}>
          Cancel
        </button>
        <button type="button" className="button button--danger" disabled={busy} onClick={onConfirm} data-testid={`${testIdPrefix}-confirm`}>
          {busy ? busyAction : action}
        </button>
      </div>
    </div>
  );
}
