'use client';
/**
 * A text field naming an entity, with suggestions from `knowledgeEntities` (key prefix, then
 * words and names, best connected first) as the person types. Picking one hands over the
 * entity itself, so the caller can query by id; typed text can be sent as it is (the API
 * resolves a name or key, NOT_FOUND otherwise).
 */
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import type { KnowledgeEntityFieldsFragment } from '@/gql/graphql';
import { useMounted } from '@/components/ui/use-mounted';
import { ENTITY_TYPE_COLORS } from './knowledge-graph-model';
import { knowledgeEntitiesQuery } from './knowledge.operations';

export type PickedEntity = KnowledgeEntityFieldsFragment;

const SUGGESTIONS = 8;
const DEBOUNCE_MS = 200;
/** Fewer letters than this would match most of a large namespace. */
const MIN_LETTERS = 2;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function EntityPicker({
  id,
  label,
  namespace,
  value,
  onChange,
  onPick,
  testId,
  placeholder,
}: {
  id: string;
  label: string;
  namespace: string;
  value: string;
  /** Typed text (any picked entity is forgotten). */
  onChange: (text: string) => void;
  onPick: (entity: PickedEntity) => void;
  /** `<testId>` on the input, `<testId>-suggestion` on each suggestion. */
  testId: string;
  placeholder?: string;
}) {
  const mounted = useMounted();
  const [open, setOpen] = useState(false);
  const search = useDebounced(value.trim(), DEBOUNCE_MS);
  const [result] = useQuery({
    query: knowledgeEntitiesQuery,
    variables: { namespace, search, first: SUGGESTIONS },
    pause: !mounted || !open || search.length < MIN_LETTERS,
  });
  const suggestions = open && search.length >= MIN_LETTERS ? (result.data?.knowledgeEntities ?? []) : [];
  const pick = (entity: PickedEntity) => {
    setOpen(false);
    onPick(entity);
  };

  return (
    <div className="field entity-picker">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input"
        value={value}
        autoComplete="off"
        placeholder={placeholder}
        onChange={(e) => {
          setOpen(true);
          onChange(e.target.value);
        }}
        onFocus={() => setOpen(true)}
        // Later than a suggestion's mousedown, which picks before the list goes.
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
        role="combobox"
        aria-expanded={suggestions.length > 0}
        aria-autocomplete="list"
        data-testid={testId}
      />
      {suggestions.length > 0 ? (
        <ul className="entity-picker__list" role="listbox" data-testid={`${testId}-suggestions`}>
          {suggestions.map((e) => (
            <li key={e.id} role="option" aria-selected={false}>
              <button
                type="button"
                className="entity-picker__option"
                onMouseDown={(event) => {
                  event.preventDefault(); // keep the focus: no blur before the pick
                  pick(e);
                }}
                onClick={(event) => {
                  if (event.detail === 0) pick(e); // the keyboard; a pointer picked on mousedown
                }}
                data-testid={`${testId}-suggestion`}
                data-id={e.id}
                data-name={e.name}
                data-type={e.type}
              >
                <span className="force-graph__dot" style={{ background: ENTITY_TYPE_COLORS[e.type] }} aria-hidden />
                <span className="entity-picker__name">{e.name}</span>
                <span className="muted small">{e.type.toLowerCase()}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
