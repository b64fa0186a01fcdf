'use client';
/**
 * Starting a run: its name, namespace, registry model and split seed, and per phase of the
 * pipeline an executor — built-in (the platform trains it), a command bound in
 * TRAINING_COMMANDS, or skip — with the phase's settings as JSON (empty: the defaults).
 * Phases left at their default executor with no settings are not sent, so the API applies
 * its defaults (and says why an unbound language-model phase is skipped). Settings that are
 * not JSON are refused here; the API validates the rest and names the phase and field of
 * the first problem (BAD_USER_INPUT), shown inline with the row marked. Success opens the run.
 * `from` pre-fills the form with another run's validated configuration.
 */
import { useId, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import type { TrainingExecutor, TrainingPhase, TrainingPhaseConfigInput } from '@/gql/graphql';
import { developerNamespaces, preferredNamespace, useViewer } from '@/components/auth/viewer';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { NamespaceField } from '@/components/ui/namespace-field';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { trainingHref, trainingRunHref } from './training-links';
import { defaultExecutor, PHASES, type PhaseMeta } from './training-phases';
import { startTrainingRunMutation, trainingNamespacesQuery, trainingRunConfigQuery } from './training.operations';

interface PhaseDraft {
  executor: TrainingExecutor;
  command: string;
  timeout: string;
  settings: string;
}

type Drafts = Record<TrainingPhase, PhaseDraft>;

interface FormError extends ApiErrorInfo {
  /** The phase the problem is in (the API's `extensions.phase`, or the row whose JSON is bad). */
  phase: TrainingPhase | null;
  field: string | null;
}

const EXECUTOR_LABELS: Record<TrainingExecutor, string> = { BUILTIN: 'Built-in', COMMAND: 'Command', SKIP: 'Skip' };
const FROM_CONFIG: Record<string, TrainingExecutor> = { builtin: 'BUILTIN', command: 'COMMAND', skip: 'SKIP' };

function blankDrafts(): Drafts {
  return Object.fromEntries(
    PHASES.map((p) => [p.phase, { executor: defaultExecutor(p.phase), command: '', timeout: '', settings: '' }]),
  ) as Drafts;
}

/** The form as a run's validated configuration describes it (see TrainingRun.config). */
function draftsFromConfig(config: unknown): Drafts {
  const drafts = blankDrafts();
  const phases = (config as { phases?: Record<string, Record<string, unknown>> } | null)?.phases ?? {};
  for (const meta of PHASES) {
    const p = phases[meta.phase];
    if (!p) continue;
    const executor = FROM_CONFIG[String(p.executor)] ?? defaultExecutor(meta.phase);
    const settings = p.settings && typeof p.settings === 'object' && Object.keys(p.settings).length ? p.settings : null;
    drafts[meta.phase] = {
      executor,
      command: typeof p.command === 'string' ? p.command : '',
      timeout: executor === 'COMMAND' && typeof p.timeoutSeconds === 'number' ? String(p.timeoutSeconds) : '',
      settings: settings ? JSON.stringify(settings, null, 2) : '',
    };
  }
  return drafts;
}

/** What the run's model name defaults to (the API's rule): forge-<name>, sanitised. */
function defaultModelName(name: string): string {
  return `forge-${name.trim()}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 128);
}

export function NewTrainingRunForm({ from }: { from: string | null }) {
  const mounted = useMounted();
  const [source] = useQuery({ query: trainingRunConfigQuery, variables: { id: from ?? '' }, pause: !mounted || !from });
  const template = source.data?.trainingRun;
  if (from && !template) {
    return source.error ? (
      <ApiErrorCallout error={apiError(source.error)} testId="training-new-source-error" prefix="Could not load the run to copy" />
    ) : (
      <div className="card skeleton" aria-busy />
    );
  }
  const initial = template
    ? {
        name: `${template.name}-copy`,
        namespace: template.namespace,
        modelName: template.modelName === defaultModelName(template.name) ? '' : template.modelName,
        splitSeed: String((template.config as { splitSeed?: number } | null)?.splitSeed ?? ''),
        drafts: draftsFromConfig(template.config),
        copiedFrom: template.name,
      }
    : null;
  return <RunForm initial={initial} />;
}

function RunForm({
  initial,
}: {
  initial: { name: string; namespace: string; modelName: string; splitSeed: string; drafts: Drafts; copiedFrom: string } | null;
}) {
  const id = useId();
  const router = useRouter();
  const mounted = useMounted();
  const viewerState = useViewer();
  const { viewer } = viewerState;
  const [options] = useQuery({ query: trainingNamespacesQuery, pause: !mounted });
  const [starting, startRun] = useMutation(startTrainingRunMutation);

  const [name, setName] = useState(initial?.name ?? '');
  const [namespace, setNamespace] = useState(initial?.namespace ?? '');
  const [modelName, setModelName] = useState(initial?.modelName ?? '');
  const [splitSeed, setSplitSeed] = useState(initial?.splitSeed ?? '');
  const [drafts, setDrafts] = useState<Drafts>(() => initial?.drafts ?? blankDrafts());
  const [error, setError] = useState<FormError | null>(null);

  const namespaceChoices = developerNamespaces(viewerState, options.data?.namespaces.map((n) => n.name) ?? []);
  const chosenNamespace = namespace || preferredNamespace(namespaceChoices);

  const update = (phase: TrainingPhase, patch: Partial<PhaseDraft>) =>
    setDrafts((prev) => ({ ...prev, [phase]: { ...prev[phase], ...patch } }));

  const skipBuiltins = () =>
    setDrafts((prev) => {
      const next = { ...prev };
      for (const p of PHASES) if (p.builtin && next[p.phase].executor === 'BUILTIN') next[p.phase] = { ...next[p.phase], executor: 'SKIP' };
      return next;
    });

  /** The phases to send, or the first problem the page can see by itself. */
  const phaseInputs = (): TrainingPhaseConfigInput[] | FormError => {
    const inputs: TrainingPhaseConfigInput[] = [];
    for (const meta of PHASES) {
      const d = drafts[meta.phase];
      const bad = (field: string, message: string): FormError => ({
        code: 'INVALID_INPUT',
        message: `${meta.phase}.${field}: ${message}`,
        phase: meta.phase,
        field,
      });
      let settings: unknown = undefined;
      if (d.executor !== 'SKIP' && d.settings.trim()) {
        try {
          settings = JSON.parse(d.settings);
        } catch (e) {
          return bad('settings', `not valid JSON (${(e as Error).message})`);
        }
        if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
          return bad('settings', 'must be a JSON object, e.g. { "epochs": 5 }');
        }
      }
      const command = d.executor === 'COMMAND' ? d.command.trim() : '';
      let timeoutSeconds: number | undefined;
      if (d.executor === 'COMMAND' && d.timeout.trim()) {
        timeoutSeconds = Number(d.timeout);
        if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) return bad('timeoutSeconds', 'a whole number of seconds, at least 1');
      }
      if (d.executor === defaultExecutor(meta.phase) && settings === undefined && !command) continue; // the API's default
      inputs.push({
        phase: meta.phase,
        executor: d.executor,
        ...(command ? { command } : {}),
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
        ...(settings !== undefined ? { settings } : {}),
      });
    }
    return inputs;
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const fail = (message: string, field: string) => setError({ code: 'INVALID_INPUT', message, phase: null, field });
    if (!name.trim()) return fail('Name the run, e.g. digits-baseline.', 'name');
    if (!chosenNamespace) return fail('Choose a namespace.', 'namespace');
    let seed: number | null = null;
    if (splitSeed.trim()) {
      seed = Number(splitSeed);
      if (!Number.isInteger(seed) || seed < 0) return fail('The split seed must be a whole number, 0 or more.', 'splitSeed');
    }
    const phases = phaseInputs();
    if (!Array.isArray(phases)) return setError(phases);
    const result = await startRun({
      input: {
        name: name.trim(),
        namespace: chosenNamespace,
        modelName: modelName.trim() || null,
        splitSeed: seed,
        phases,
      },
    });
    if (result.error) {
      const ext = result.error.graphQLErrors[0]?.extensions ?? {};
      const phase = typeof ext.phase === 'string' && PHASES.some((p) => p.phase === ext.phase) ? (ext.phase as TrainingPhase) : null;
      setError({ ...apiError(result.error), phase, field: typeof ext.field === 'string' ? ext.field : null });
      return;
    }
    if (result.data) router.push(trainingRunHref(result.data.startTrainingRun.id));
  };

  const viewerOnly = viewer && viewer.role === 'VIEWER' && !viewer.user?.memberships.some((m) => m.role !== 'VIEWER');
  const noNamespace = Boolean(options.data && viewer && namespaceChoices.length === 0);

  return (
    <form className="card form-card training-form" onSubmit={onSubmit} data-testid="training-new-form" noValidate>
      <div className="form-card__head">
        <div>
          <h2 className="table-card__title">New training run</h2>
          <p className="muted small">
            {initial ? (
              <>
                Starting from the configuration of <strong>{initial.copiedFrom}</strong>.{' '}
              </>
            ) : null}
            Agent Forge on the digits dataset (1,797 8×8 images): eight phases in order; each produces model versions in
            the registry.
          </p>
        </div>
        <Link className="button button--secondary button--small" href={trainingHref()} data-testid="training-new-back">
          Back to runs
        </Link>
      </div>

      {viewerOnly || noNamespace ? (
        <p className="callout callout--info" data-testid="training-new-denied">
          Starting runs needs the developer role in a namespace. Ask an admin for it.
        </p>
      ) : null}

      <div className="form-grid form-grid--4">
        <label className="field" htmlFor={`${id}-name`}>
          <span className="field__label">Name</span>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={128}
            placeholder="e.g. digits-baseline"
            onChange={(e) => setName(e.target.value)}
            data-testid="training-new-name"
          />
        </label>
        <NamespaceField
          id={`${id}-namespace`}
          value={chosenNamespace}
          choices={namespaceChoices}
          onChange={setNamespace}
          testId="training-new-namespace"
        />
        <label className="field" htmlFor={`${id}-model`}>
          <span className="field__label">
            Model <span className="field__optional">optional</span>
          </span>
          <input
            id={`${id}-model`}
            className="input mono"
            value={modelName}
            maxLength={128}
            placeholder={name.trim() ? defaultModelName(name) : 'forge-<name>'}
            onChange={(e) => setModelName(e.target.value)}
            data-testid="training-new-model"
          />
        </label>
        <label className="field" htmlFor={`${id}-seed`}>
          <span className="field__label">
            Split seed <span className="field__optional">optional, default 7</span>
          </span>
          <input
            id={`${id}-seed`}
            className="input"
            type="number"
            min={0}
            step={1}
            placeholder="7"
            value={splitSeed}
            onChange={(e) => setSplitSeed(e.target.value)}
            data-testid="training-new-seed"
          />
        </label>
      </div>

      <fieldset className="field training-form__phases">
        <legend className="field__label training-form__legend">
          <span>
            Phases <span className="field__optional">settings as JSON; empty uses the defaults shown</span>
          </span>
          <button type="button" className="button button--link" onClick={skipBuiltins} data-testid="training-new-skip-builtins">
            Skip every built-in phase
          </button>
        </legend>
        <ol className="training-form__list">
          {PHASES.map((meta, index) => (
            <PhaseRow
              key={meta.phase}
              index={index}
              meta={meta}
              draft={drafts[meta.phase]}
              invalid={error?.phase === meta.phase}
              onChange={(patch) => update(meta.phase, patch)}
            />
          ))}
        </ol>
      </fieldset>

      {error ? (
        <ApiErrorCallout error={error} testId="training-new-error">
          {error.phase ? (
            <div className="small" data-testid="training-new-error-where" data-phase={error.phase} data-field={error.field ?? ''}>
              In phase <strong>{error.phase}</strong>
              {error.field ? (
                <>
                  , field <code className="code">{error.field}</code>
                </>
              ) : null}
            </div>
          ) : null}
        </ApiErrorCallout>
      ) : null}

      <div className="form-card__actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={!mounted || starting.fetching || Boolean(viewerOnly) || noNamespace}
          data-testid="training-new-submit"
        >
          {starting.fetching ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}

function PhaseRow({
  index,
  meta,
  draft,
  invalid,
  onChange,
}: {
  index: number;
  meta: PhaseMeta;
  draft: PhaseDraft;
  invalid: boolean;
  onChange: (patch: Partial<PhaseDraft>) => void;
}) {
  const id = useId();
  const executors: TrainingExecutor[] = ['BUILTIN', 'COMMAND', 'SKIP'];
  return (
    <li
      className={`training-form__phase${invalid ? ' training-form__phase--invalid' : ''}${draft.executor === 'SKIP' ? ' training-form__phase--skipped' : ''}`}
      data-testid="training-phase-config"
      data-phase={meta.phase}
      data-executor={draft.executor}
      data-invalid={invalid}
    >
      <div className="training-form__phase-head">
        <span className="training-form__index">{index + 1}</span>
        <div>
          <div className="cell-title">{meta.title}</div>
          <div className="muted small">
            {meta.builtin ?? 'no built-in executor: runs only when bound to a command (else skipped with the reason)'}
          </div>
        </div>
      </div>
      <div className="training-form__phase-controls">
        <label className="field" htmlFor={`${id}-executor`}>
          <span className="field__label">Executor</span>
          <select
            id={`${id}-executor`}
            className="input"
            value={draft.executor}
            onChange={(e) => onChange({ executor: e.target.value as TrainingExecutor })}
            data-testid="training-phase-executor"
          >
            {executors.map((x) => (
              <option key={x} value={x} disabled={x === 'BUILTIN' && !meta.builtin}>
                {EXECUTOR_LABELS[x]}
                {x === 'BUILTIN' && !meta.builtin ? ' (none)' : ''}
                {x === defaultExecutor(meta.phase) ? ' — default' : ''}
              </option>
            ))}
          </select>
        </label>
        {draft.executor === 'COMMAND' ? (
          <>
            <label className="field" htmlFor={`${id}-command`}>
              <span className="field__label">Command</span>
              <input
                id={`${id}-command`}
                className="input mono"
                value={draft.command}
                placeholder="a name in TRAINING_COMMANDS"
                onChange={(e) => onChange({ command: e.target.value })}
                data-testid="training-phase-command"
              />
            </label>
            <label className="field" htmlFor={`${id}-timeout`}>
              <span className="field__label">
                Timeout <span className="field__optional">s, default 3600</span>
              </span>
              <input
                id={`${id}-timeout`}
                className="input"
                type="number"
                min={1}
                step={1}
                placeholder="3600"
                value={draft.timeout}
                onChange={(e) => onChange({ timeout: e.target.value })}
                data-testid="training-phase-timeout"
              />
            </label>
          </>
        ) : null}
      </div>
      <label className="field training-form__settings" htmlFor={`${id}-settings`}>
        <span className="field__label">
          Settings <span className="field__optional">JSON</span>
        </span>
        <textarea
          id={`${id}-settings`}
          className="input textarea mono"
          rows={Math.min(10, Math.max(2, draft.settings.split('\n').length))}
          spellCheck={false}
          disabled={draft.executor === 'SKIP'}
          placeholder={draft.executor === 'SKIP' ? 'skipped' : draft.executor === 'COMMAND' ? '{ } (passed to the command as they are)' : meta.settingsExample}
          value={draft.settings}
          onChange={(e) => onChange({ settings: e.target.value })}
          data-testid="training-phase-settings"
        />
      </label>
    </li>
  );
}
