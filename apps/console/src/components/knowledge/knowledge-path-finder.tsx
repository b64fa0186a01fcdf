'use client';
/**
 * The path finder: two entities and maxHops (1..5) → `knowledgePaths`, all shortest paths
 * (either direction of each relation, at most PATHS_SHOWN). Each path is listed hop by hop
 * with the relations' labels and directions, and handed to the explorer (`onPaths`), which
 * draws its entities and relations into the graph, highlighted. "From" defaults to the
 * explored entity. NOT_FOUND (an unknown entity) and BAD_USER_INPUT are shown with their code.
 */
import { Fragment, useId, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { EntityPicker, type PickedEntity } from './entity-picker';
import { ENTITY_TYPE_COLORS, MAX_HOPS, RELATION_KIND_COLORS, type PathsAnswer } from './knowledge-graph-model';
import { knowledgePathsQuery } from './knowledge.operations';

const PATHS_SHOWN = 10;

/** Typed text, and the entity picked for it (sent by id) until the text changes. */
interface EntityChoice {
  text: string;
  picked: PickedEntity | null;
}

const typed = (text: string): EntityChoice => ({ text, picked: null });
const chosen = (entity: PickedEntity): EntityChoice => ({ text: entity.name, picked: entity });
/** What the API is asked for: the picked entity's id, else the text (a name or key). */
const argOf = (c: EntityChoice) => c.picked?.id ?? c.text.trim();

export function KnowledgePathFinder({
  namespace,
  centre,
  answer,
  onPaths,
}: {
  namespace: string;
  /** The explored entity: "from" when none is given. */
  centre: PickedEntity | null;
  answer: PathsAnswer | null;
  onPaths: (answer: PathsAnswer | null) => void;
}) {
  const id = useId();
  const client = useClient();
  const [from, setFrom] = useState<EntityChoice>(typed(''));
  const [to, setTo] = useState<EntityChoice>(typed(''));
  const [maxHops, setMaxHops] = useState(3);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorInfo | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const source = argOf(from) || centre?.id || '';
    const target = argOf(to);
    if (!source || !target) return setError({ code: 'INVALID_INPUT', message: 'Name the entity a path starts from (or explore one first) and the one it goes to.' });
    setBusy(true);
    const result = await client
      .query(knowledgePathsQuery, { namespace, from: source, to: target, maxHops, limit: PATHS_SHOWN }, { requestPolicy: 'network-only' })
      .toPromise();
    setBusy(false);
    if (result.error || !result.data) {
      onPaths(null);
      setError(result.error ? apiError(result.error) : { code: 'NETWORK', message: 'No answer from the API' });
      return;
    }
    onPaths(result.data.knowledgePaths);
  };

  const clear = () => {
    setError(null);
    onPaths(null);
  };

  return (
    <div className="knowledge-paths" data-testid="knowledge-paths">
      <form className="form-card knowledge-paths__form" onSubmit={onSubmit} noValidate data-testid="knowledge-paths-form">
        <h3 className="table-card__title">Path finder</h3>
        <div className="form-grid form-grid--4">
          <EntityPicker
            id={`${id}-from`}
            label="From"
            namespace={namespace}
            value={from.text}
            onChange={(text) => setFrom(typed(text))}
            onPick={(e) => setFrom(chosen(e))}
            placeholder={centre ? `${centre.name} (the explored entity)` : 'An entity'}
            testId="knowledge-paths-from"
          />
          <EntityPicker
            id={`${id}-to`}
            label="To"
            namespace={namespace}
            value={to.text}
            onChange={(text) => setTo(typed(text))}
            onPick={(e) => setTo(chosen(e))}
            placeholder="An entity"
            testId="knowledge-paths-to"
          />
          <label className="field" htmlFor={`${id}-hops`}>
            <span className="field__label">Max hops</span>
            <select id={`${id}-hops`} className="input" value={maxHops} onChange={(e) => setMaxHops(Number(e.target.value))} data-testid="knowledge-paths-max-hops">
              {Array.from({ length: MAX_HOPS }, (_, i) => i + 1).map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </label>
          <div className="form-card__actions knowledge-search__actions">
            <button type="submit" className="button button--primary" disabled={busy} data-testid="knowledge-paths-find">
              {busy ? 'Finding…' : 'Find paths'}
            </button>
            {answer || error ? (
              <button type="button" className="button button--secondary" onClick={clear} data-testid="knowledge-paths-clear">
                Clear
              </button>
            ) : null}
          </div>
        </div>
        {error ? <ApiErrorCallout error={error} testId="knowledge-paths-error" prefix="No paths" /> : null}
      </form>
      {answer ? <PathList answer={answer} maxHops={maxHops} /> : null}
    </div>
  );
}

function PathList({ answer, maxHops }: { answer: PathsAnswer; maxHops: number }) {
  if (answer.hops == null) {
    return (
      <p className="callout callout--info knowledge-paths__none" data-testid="knowledge-paths-none">
        No path joins {answer.from.name} and {answer.to.name} within {maxHops} {maxHops === 1 ? 'hop' : 'hops'}.
      </p>
    );
  }
  return (
    <div className="knowledge-paths__result" data-testid="knowledge-paths-result" data-hops={answer.hops} data-count={answer.paths.length}>
      <p className="muted small">
        {answer.paths.length} shortest {answer.paths.length === 1 ? 'path' : 'paths'} of {answer.hops} {answer.hops === 1 ? 'hop' : 'hops'} from{' '}
        <strong>{answer.from.name}</strong> to <strong>{answer.to.name}</strong>, highlighted in the graph
        {answer.truncated ? ` (the first ${answer.paths.length}; there are more)` : ''}.
      </p>
      <ol className="knowledge-paths__list">
        {answer.paths.map((p, i) => (
          <li key={i} className="knowledge-path" data-testid="knowledge-path" data-entities={p.entities.map((e) => e.name).join('|')}>
            {p.entities.map((e, j) => {
              const r = j > 0 ? p.relations[j - 1] : null;
              const forward = r ? r.subject.id === p.entities[j - 1].id : true;
              return (
                <Fragment key={`${e.id}-${j}`}>
                  {r ? (
                    <span className="knowledge-path__relation" style={{ color: RELATION_KIND_COLORS[r.kind] }} title={`${r.kind.toLowerCase()}, confidence ${r.confidence.toFixed(2)}`}>
                      {forward ? '—' : '←'} {r.label} {forward ? '→' : '—'}
                    </span>
                  ) : null}
                  <span className="knowledge-path__entity">
                    <span className="force-graph__dot" style={{ background: ENTITY_TYPE_COLORS[e.type] }} aria-hidden />
                    {e.name}
                  </span>
                </Fragment>
              );
            })}
          </li>
        ))}
      </ol>
    </div>
  );
}
