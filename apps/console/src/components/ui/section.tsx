/** A titled section of a page: heading and a line under it, something on the right (a badge), then the content. */
import type { ReactNode } from 'react';

export function Section({
  testId,
  heading: Heading = 'h2',
  title,
  sub,
  aside,
  children,
}: {
  /** Also names the heading: `<testId>-title`. */
  testId: string;
  heading?: 'h2' | 'h3';
  title: ReactNode;
  sub: ReactNode;
  aside?: ReactNode;
  children: ReactNode;
}) {
  const titleId = `${testId}-title`;
  return (
    <section className="section" data-testid={testId} aria-labelledby={titleId}>
      <header className="section__head">
        <div>
          <Heading id={titleId} className="section__title">
            {title}
          </Heading>
          <p className="section__sub">{sub}</p>
        </div>
        {aside}
      </header>
      {children}
    </section>
  );
}
