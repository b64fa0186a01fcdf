/** Knowledge: the documents of a namespace and their ingestion, hybrid search with every leg's score, and the knowledge graph. */
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { KnowledgePanel } from '@/components/knowledge/knowledge-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Knowledge' };

export default function KnowledgePage() {
  return (
    <PageShell
      testId="page-knowledge"
      title="Knowledge"
      sub={
        <>
          The knowledge base of a namespace: documents pasted or uploaded, chunked, embedded and mined for entities and
          relations by the workers (live while they ingest); a search playground showing how the vector, keyword and graph
          legs rank each chunk and how hybrid search fuses them; and the knowledge graph around an entity, with the
          shortest paths between two.
        </>
      }
    >
      {/* The panel reads the namespace and the explored entity from the URL (useSearchParams). */}
      <Suspense fallback={<div className="card skeleton" aria-busy />}>
        <KnowledgePanel />
      </Suspense>
    </PageShell>
  );
}
