'use client';
/**
 * The Knowledge page body, for one namespace: adding documents (pasted or uploaded), the
 * documents with their ingestion followed live, the search playground, and the graph explorer
 * with its path finder. What it shows lives in the URL:
 * `/knowledge?namespace=<ns>&entity=<id or name>&hops=<1..5>` (the explored entity).
 */
import { useState } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from 'urql';
import { FilterSelect, namespaceChoices } from '@/components/ui/toolbar';
import { useMounted } from '@/components/ui/use-mounted';
import { KnowledgeDocumentsPanel } from './knowledge-documents-panel';
import { KnowledgeGraphExplorer } from './knowledge-graph-explorer';
import { KnowledgeIngestForm } from './knowledge-ingest-form';
import { knowledgeHref, type KnowledgeView } from './knowledge-links';
import { KnowledgeSearchPanel } from './knowledge-search-panel';
import { knowledgeNamespacesQuery } from './knowledge.operations';
import { MAX_HOPS } from './knowledge-graph-model';

export function KnowledgePanel() {
  const params = useSearchParams();
  const namespace = params.get('namespace') || 'default';
  const hops = Number(params.get('hops') ?? 1);
  // Keyed: another namespace is another knowledge base (its own documents, results and graph).
  return (
    <KnowledgeWorkspace
      key={namespace}
      namespace={namespace}
      entity={params.get('entity') || null}
      hops={Number.isInteger(hops) && hops >= 1 && hops <= MAX_HOPS ? hops : 1}
    />
  );
}

function KnowledgeWorkspace({ namespace, entity, hops }: { namespace: string; entity: string | null; hops: number }) {
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: knowledgeNamespacesQuery, pause: !mounted });
  const choices = namespaceChoices(namespace, namespaces.data?.namespaces.map((n) => n.name) ?? []);
  // Bumped when a document is added: the list re-reads at once instead of at its next poll.
  const [listVersion, setListVersion] = useState(0);
  const explore = (view: Pick<KnowledgeView, 'entity' | 'hops'>) => router.replace(knowledgeHref({ namespace, ...view }), { scroll: false });

  return (
    <div className="knowledge" data-testid="knowledge" data-namespace={namespace}>
      <div className="toolbar">
        <FilterSelect
          label="Namespace"
          value={namespace}
          options={choices}
          onChange={(value) => router.replace(knowledgeHref({ namespace: value }))}
          testId="knowledge-namespace"
        />
      </div>
      <KnowledgeIngestForm namespace={namespace} onIngested={() => setListVersion((v) => v + 1)} />
      <KnowledgeDocumentsPanel namespace={namespace} reloadKey={listVersion} />
      <KnowledgeSearchPanel namespace={namespace} />
      <KnowledgeGraphExplorer namespace={namespace} entity={entity} hops={hops} onExplore={explore} />
    </div>
  );
}
