'use client';
/**
 * The search playground: a query, a mode (HYBRID, VECTOR, KEYWORD, GRAPH), topK and an
 * optional minScore → `searchKnowledge`. Each hit shows its score (HYBRID: the fused
 * reciprocal-rank score; otherwise that leg's) and every leg's rank and score — "—" where a leg
 * did not find the chunk — with the chunk's text (query words marked) and its document. Only
 * whether the numbers are numbers is checked here; their ranges are the API's (topK 1..100),
 * and its BAD_USER_INPUT is shown with the message.
 */
import { useId, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import type { KnowledgeSearchMode, KnowledgeSearchQuery } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { parseNumber } from '@/components/peers/number-field';
import { Section } from '@/components/ui/section';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatMs } from '@/lib/format';
import { formatScore, highlightParts, queryTerms, SEARCH_MODES } from './knowledge-model';
import { searchKnowledgeQuery } from './knowledge.operations';

type Hit = KnowledgeSearchQuery['searchKnowledge'][number];
type Leg = 'vector' | 'keyword' | 'graph';

const LEGS: readonly { leg: Leg; label: string; unit: string }[] = [
  { leg: 'vector', label: 'Vector', unit: 'cosine similarity' },
  { leg: 'keyword', label: 'Keyword', unit: 'ts_rank_cd' },
  { leg: 'graph', label: 'Graph', unit: 'summed relation confidence' },
];

interface Answer {
  query: string;
  mode: KnowledgeSearchMode;
  hits: Hit[];
  /** Round trip as the browser saw it. */
  ms: number;
}

export function KnowledgeSearchPanel({ namespace }: { namespace: string }) {
  const id = useId();
  const client = useClient();
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<KnowledgeSearchMode>('HYBRID');
  const [topK, setTopK] = useState('10');
  const [minScore, setMinScore] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<ApiErrorInfo | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const fail = (message: string) => setError({ code: 'INVALID_INPUT', message });
    if (!query.trim()) return fail('Type what to search for.');
    const k = parseNumber('topK', topK, { integer: true });
    if (typeof k === 'string') return fail(k);
    const min = parseNumber('minScore', minScore, { optional: true });
    if (typeof min === 'string') return fail(min);
    setBusy(true);
    const started = performance.now();
    const result = await client
      .query(searchKnowledgeQuery, { namespace, query, mode, topK: k!, minScore: min }, { requestPolicy: 'network-only' })
      .toPromise();
    setBusy(false);
    if (result.error || !result.data) {
      setAnswer(null);
      setError(result.error ? apiError(result.error) : { code: 'NETWORK', message: 'No answer from the API' });
      return;
    }
    setAnswer({ query, mode, hits: result.data.searchKnowledge, ms: performance.now() - started });
  };

  const hint = SEARCH_MODES.find((m) => m.mode === mode)?.hint;
  return (
    <Section
      testId="knowledge-search"
      title="Search"
      sub="Try the retrieval legs: vector (embeddings), keyword (full text), graph (relations around the entities a query names), or all three fused."
    >
      <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="knowledge-search-form">
        <div className="form-grid knowledge-search__grid">
          <label className="field" htmlFor={`${id}-query`}>
            <span className="field__label">Query</span>
            <input
              id={`${id}-query`}
              className="input"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="e.g. public credit and the national debt"
              data-testid="knowledge-search-query"
            />
          </label>
          <label className="field" htmlFor={`${id}-mode`}>
            <span className="field__label">Mode</span>
            <select id={`${id}-mode`} className="input" value={mode} onChange={(e) => setMode(e.target.value as KnowledgeSearchMode)} data-testid="knowledge-search-mode">
              {SEARCH_MODES.map((m) => (
                <option key={m.mode} value={m.mode}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field" htmlFor={`${id}-topk`}>
            <span className="field__label">
              topK <span className="field__optional">1..100</span>
            </span>
            <input id={`${id}-topk`} className="input mono" inputMode="numeric" value={topK} onChange={(e) => setTopK(e.target.value)} data-testid="knowledge-search-topk" />
          </label>
          <label className="field" htmlFor={`${id}-min`}>
            <span className="field__label">minScore</span>
            <input
              id={`${id}-min`}
              className="input mono"
              inputMode="decimal"
              value={minScore}
              placeholder="optional"
              onChange={(e) => setMinScore(e.target.value)}
              data-testid="knowledge-search-min-score"
            />
          </label>
          <div className="form-card__actions knowledge-search__actions">
            <button type="submit" className="button button--primary" disabled={busy} data-testid="knowledge-search-submit">
              {busy ? 'Searching…' : 'Search'}
            </button>
          </div>
        </div>
        {hint ? <p className="muted small">{hint}</p> : null}
        {error ? <ApiErrorCallout error={error} testId="knowledge-search-error" prefix="Search refused" /> : null}
      </form>
      {answer ? <SearchResults answer={answer} /> : null}
    </Section>
  );
}

function SearchResults({ answer }: { answer: Answer }) {
  const terms = queryTerms(answer.query);
  const scoreLabel = answer.mode === 'HYBRID' ? 'Fused' : 'Score';
  return (
    <div className="card table-card" data-testid="knowledge-search-results" data-mode={answer.mode} data-hits={answer.hits.length}>
      <div className="table-card__head">
        <h3 className="table-card__title">
          {answer.hits.length} {answer.hits.length === 1 ? 'hit' : 'hits'}
        </h3>
        <span className="muted small">
          {answer.mode.toLowerCase()} · {formatMs(answer.ms)} round trip · a leg&apos;s cell is its rank and score, “—” where it did not find the chunk
        </span>
      </div>
      {answer.hits.length === 0 ? (
        <div className="empty" data-testid="knowledge-search-empty">
          Nothing found.{' '}
          {answer.mode === 'KEYWORD' ? 'Keyword search needs every term in a chunk: try fewer words, or HYBRID.' : 'Try other words, or another mode.'}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table table--hits" data-testid="knowledge-hits">
            <thead>
              <tr>
                <th className="num">#</th>
                <th className="num" title={answer.mode === 'HYBRID' ? 'Σ 1/(60 + rank) over the legs that found it' : undefined}>
                  {scoreLabel}
                </th>
                {LEGS.map((l) => (
                  <th key={l.leg} className="num" title={l.unit}>
                    {l.label}
                  </th>
                ))}
                <th>Chunk</th>
              </tr>
            </thead>
            <tbody>
              {answer.hits.map((h, i) => (
                <tr key={h.chunk.id} data-testid="knowledge-hit" data-chunk={h.chunk.id} data-document={h.document.id} data-score={h.score}>
                  <td className="num mono muted">{i + 1}</td>
                  <td className="num mono knowledge-hit__score" data-testid="knowledge-hit-score" data-value={h.score}>
                    {formatScore(h.score)}
                  </td>
                  {LEGS.map(({ leg }) => {
                    const found = h[leg];
                    return (
                      <td
                        key={leg}
                        className="num mono"
                        data-testid={`knowledge-hit-${leg}`}
                        data-rank={found?.rank ?? ''}
                        data-score={found?.score ?? ''}
                      >
                        {found ? (
                          <>
                            <span className="muted">#{found.rank}</span> {formatScore(found.score)}
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    );
                  })}
                  <td className="knowledge-hit__chunk">
                    <div className="knowledge-hit__doc">
                      <strong data-testid="knowledge-hit-document">{h.document.title}</strong>
                      <span className="muted small">
                        {' '}
                        · chunk {h.chunk.position + 1} · {h.chunk.tokenCount} tokens
                      </span>
                    </div>
                    <p className="knowledge-hit__text" data-testid="knowledge-hit-text">
                      {highlightParts(h.chunk.text, terms).map((p, j) => (p.marked ? <mark key={j}>{p.text}</mark> : p.text))}
                    </p>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
