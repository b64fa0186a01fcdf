'use client';
/**
 * The graph explorer: an entity (typed, or picked from suggestions), hops (1..5) and a node
 * limit → `knowledgeNeighborhood`, drawn as a force-directed graph (entities by type,
 * relations by kind with their labels). Clicking an entity re-centres the graph on it. The
 * explored entity and hops live in the URL (`entity`, `hops`); the path finder below draws the
 * paths it finds into the same graph. Errors (an unknown entity is NOT_FOUND, hops or limit out
 * of range BAD_USER_INPUT) are shown with their code.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { parseNumber } from '@/components/peers/number-field';
import { Section } from '@/components/ui/section';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { EntityPicker, type PickedEntity } from './entity-picker';
import {
  ENTITY_TYPE_COLORS,
  ENTITY_TYPES,
  kindCounts,
  knowledgeGraph,
  MAX_HOPS,
  pathHighlight,
  RELATION_KIND_COLORS,
  typeCounts,
  type KnowledgeGraphModel,
  type Neighbourhood,
  type PathsAnswer,
} from './knowledge-graph-model';
import { KnowledgeGraphView } from './knowledge-graph-view';
import type { KnowledgeView } from './knowledge-links';
import { KnowledgePathFinder } from './knowledge-path-finder';
import { knowledgeNeighborhoodQuery } from './knowledge.operations';

const DEFAULT_LIMIT = '60';

export function KnowledgeGraphExplorer({
  namespace,
  entity,
  hops,
  onExplore,
}: {
  namespace: string;
  /** The explored entity from the URL (id, key or name); null: none yet. */
  entity: string | null;
  hops: number;
  onExplore: (view: Pick<KnowledgeView, 'entity' | 'hops'>) => void;
}) {
  const id = useId();
  const mounted = useMounted();
  const [text, setText] = useState(entity ?? '');
  const [picked, setPicked] = useState<PickedEntity | null>(null);
  const [hopsDraft, setHopsDraft] = useState(hops);
  const [limitText, setLimitText] = useState(DEFAULT_LIMIT);
  const [limit, setLimit] = useState(Number(DEFAULT_LIMIT));
  const [formError, setFormError] = useState<ApiErrorInfo | null>(null);
  const [paths, setPaths] = useState<PathsAnswer | null>(null);

  const [result, reexecute] = useQuery({
    query: knowledgeNeighborhoodQuery,
    variables: { namespace, entity: entity ?? '', hops, limit },
    pause: !mounted || !entity,
    requestPolicy: 'network-only',
  });
  // While another centre loads, the last graph stays drawn (its known positions keep the picture still).
  const lastShown = useRef<Neighbourhood | null>(null);
  const fresh = entity ? (result.data?.knowledgeNeighborhood ?? null) : null;
  if (fresh) lastShown.current = fresh;
  const neighbourhood = fresh ?? (entity && result.fetching ? lastShown.current : null);
  const centre = fresh?.entity ?? null;
  // A URL naming the entity by id shows its name once known; typing afterwards is the person's.
  const namedCentre = useRef<string | null>(null);
  useEffect(() => {
    if (!centre || namedCentre.current === centre.id) return;
    namedCentre.current = centre.id;
    setText((current) => (current === entity || current === '' ? centre.name : current));
  }, [centre, entity]);
  useEffect(() => setHopsDraft(hops), [hops]);

  const model = useMemo(() => knowledgeGraph(neighbourhood, paths), [neighbourhood, paths]);
  const highlight = useMemo(() => pathHighlight(paths), [paths]);

  /** Shows `target` (an id, key or name) with the hops chosen: a new URL, or the same one read again. */
  const explore = (target: string, name: string, nextLimit = limit) => {
    setText(name);
    setLimit(nextLimit);
    if (target !== entity || hopsDraft !== hops) onExplore({ entity: target, hops: hopsDraft });
    else if (nextLimit === limit) reexecute({ requestPolicy: 'network-only' });
    // Same entity and hops, another limit: the query follows its variables by itself.
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const typedText = text.trim();
    if (!typedText) return setFormError({ code: 'INVALID_INPUT', message: 'Name an entity to explore (type a few letters for suggestions).' });
    const n = parseNumber('The limit', limitText, { integer: true });
    if (typeof n === 'string') return setFormError({ code: 'INVALID_INPUT', message: n });
    // The entity picked, or the one shown, by id (a name need not resolve to the same entity).
    const known = picked && picked.name === text ? picked : centre && centre.name === typedText ? centre : null;
    explore(known?.id ?? typedText, typedText, n!);
  };

  const onPick = (e: PickedEntity) => {
    setPicked(e);
    setFormError(null);
    explore(e.id, e.name);
  };

  const onSelectNode = (nodeId: string) => {
    const node = model.nodes.find((n) => n.id === nodeId);
    if (!node || nodeId === model.centreId) return;
    setPicked(null);
    explore(nodeId, node.label);
  };

  const queryError = entity && result.error ? apiError(result.error) : null;
  return (
    <Section
      testId="knowledge-graph"
      title="Graph explorer"
      sub="The entities within a few hops of one, each joined to its neighbour one hop closer by the relation found. Click an entity to centre the graph on it."
    >
      <div className="card">
        <form className="form-card" onSubmit={onSubmit} noValidate data-testid="knowledge-graph-form">
          <div className="form-grid form-grid--4">
            <div className="field--span2">
              <EntityPicker
                id={`${id}-entity`}
                label="Entity"
                namespace={namespace}
                value={text}
                onChange={(value) => {
                  setText(value);
                  setPicked(null);
                }}
                onPick={onPick}
                placeholder="e.g. Congress — type for suggestions"
                testId="knowledge-graph-entity"
              />
            </div>
            <label className="field" htmlFor={`${id}-hops`}>
              <span className="field__label">Hops</span>
              <select id={`${id}-hops`} className="input" value={hopsDraft} onChange={(e) => setHopsDraft(Number(e.target.value))} data-testid="knowledge-graph-hops">
                {Array.from({ length: MAX_HOPS }, (_, i) => i + 1).map((h) => (
                  <option key={h} value={h}>
                    {h}
                  </option>
                ))}
              </select>
            </label>
            <div className="knowledge-graph__limit">
              <label className="field" htmlFor={`${id}-limit`}>
                <span className="field__label">
                  Limit <span className="field__optional">entities</span>
                </span>
                <input id={`${id}-limit`} className="input mono" inputMode="numeric" value={limitText} onChange={(e) => setLimitText(e.target.value)} data-testid="knowledge-graph-limit" />
              </label>
              <button type="submit" className="button button--primary" disabled={result.fetching} data-testid="knowledge-graph-explore">
                {result.fetching ? 'Loading…' : 'Explore'}
              </button>
            </div>
          </div>
          {formError ? <ApiErrorCallout error={formError} testId="knowledge-graph-error" /> : null}
          {queryError ? <ApiErrorCallout error={queryError} testId="knowledge-graph-error" prefix="Could not explore" /> : null}
        </form>
        <GraphFigure model={model} entity={entity} loading={result.fetching} truncated={neighbourhood?.truncated ?? false} limit={limit} hops={hops} highlight={highlight} onSelect={onSelectNode} />
        <KnowledgePathFinder namespace={namespace} centre={centre} answer={paths} onPaths={setPaths} />
      </div>
    </Section>
  );
}

function GraphFigure({
  model,
  entity,
  loading,
  truncated,
  limit,
  hops,
  highlight,
  onSelect,
}: {
  model: KnowledgeGraphModel;
  entity: string | null;
  loading: boolean;
  truncated: boolean;
  limit: number;
  hops: number;
  highlight: ReturnType<typeof pathHighlight>;
  onSelect: (id: string) => void;
}) {
  if (model.nodes.length === 0) {
    return loading ? (
      <div className="skeleton force-graph__skeleton" aria-busy />
    ) : (
      <div className="empty knowledge-graph__empty" data-testid="knowledge-graph-empty">
        {entity
          ? 'Nothing to draw.'
          : 'Name an entity above — a person, an organisation, a place or a concept from your documents — to draw the graph around it.'}
      </div>
    );
  }
  const centre = model.nodes.find((n) => n.id === model.centreId);
  const types = typeCounts(model.nodes);
  return (
    <figure className="force-graph-card knowledge-graph__figure" data-testid="knowledge-graph-figure" data-entity={centre?.label ?? ''}>
      <KnowledgeGraphView
        model={model}
        highlight={highlight}
        onSelect={onSelect}
        testId="knowledge-graph-svg"
        height={model.nodes.length > 120 ? 640 : 520}
        ariaLabel={`Knowledge graph around ${centre?.label ?? 'the paths found'}: ${model.nodes.length} entities, ${model.edges.length} relations`}
      />
      <figcaption className="force-graph__legend">
        {centre ? (
          <span data-testid="knowledge-graph-centre" data-id={centre.id} data-type={centre.type}>
            <strong>{centre.label}</strong> · {centre.type.toLowerCase()} · {model.nodes.filter((n) => n.distance != null).length - 1} entities within {hops}{' '}
            {hops === 1 ? 'hop' : 'hops'}
            {truncated ? ` (the first ${limit}; raise the limit for more)` : ''}
          </span>
        ) : null}
        {ENTITY_TYPES.filter((t) => types[t] > 0).map((t) => (
          <span key={t} className="chart__legend-item" data-testid="knowledge-graph-legend-type" data-type={t} data-value={types[t]}>
            <span className="force-graph__dot" style={{ background: ENTITY_TYPE_COLORS[t] }} aria-hidden />
            {t.toLowerCase()} {types[t]}
          </span>
        ))}
        {kindCounts(model.edges).map(([k, n]) => (
          <span key={k} className="chart__legend-item" data-testid="knowledge-graph-legend-kind" data-kind={k} data-value={n}>
            <span className="chart__swatch" style={{ background: RELATION_KIND_COLORS[k] }} aria-hidden />
            {k.toLowerCase()} {n}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
