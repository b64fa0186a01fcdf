/** An API error as the Models page shows it inline: its code (BAD_USER_INPUT, CONFLICT…) and message. */
import type { ReactNode } from 'react';
import type { ApiErrorInfo } from '@/lib/errors';

export function ApiErrorCallout({
  error,
  testId,
  prefix,
  children,
}: {
  error: ApiErrorInfo;
  testId: string;
  /** e.g. "Could not point the alias", shown before the message. */
  prefix?: string;
  children?: ReactNode;
}) {
  return (
    <div className="callout callout--error api-error" role="alert" data-testid={testId} data-code={error.code ?? ''}>
      <div className="api-error__line">
        {error.code ? (
          <code className="api-error__code" data-testid={`${testId}-code`}>
            {error.code}
          </code>
        ) : null}
        <span data-testid={`${testId}-message`}>
          {prefix ? `${prefix}: ` : ''}
          {error.message}
        </span>
      </div>
      {children}
    </div>
  );
}
