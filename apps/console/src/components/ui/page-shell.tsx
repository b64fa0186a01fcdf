/** A console page: its title and what it is for, then its panels. `testId` (`page-<name>`) marks which page is open. */
import type { ReactNode } from 'react';

export function PageShell({ testId, title, sub, children }: { testId: string; title: string; sub: ReactNode; children: ReactNode }) {
  return (
    <div className="page" data-testid={testId}>
      <header className="page__head">
        <h1 className="page__title">{title}</h1>
        <p className="page__sub">{sub}</p>
      </header>
      {children}
    </div>
  );
}
