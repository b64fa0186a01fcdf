'use client';
/**
 * Submitting a fog job: a WASI module uploaded from a .wasm file (read here, sent base64) or
 * an admin-registered command template with one argument per pattern; resources, timeout,
 * SLA class, tier (default: the namespace's) and Silver priority. The API refuses a job no
 * node could ever run with BAD_USER_INPUT naming the resource (`extensions.resource`), shown
 * inline with its code. Success opens the job.
 */
import { useId, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import type { FogRuntime, FogTier, SubmitFogJobInput } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { Section } from '@/components/ui/section';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatBytes, titleCase } from '@/lib/format';
import { fogJobHref } from './fog-links';
import { bytesToBase64, SLA_CLASSES, TIERS } from './fog-model';
import { fogCommandTemplatesQuery, submitFogJobMutation } from './fog.operations';

interface SubmitError extends ApiErrorInfo {
  /** `extensions.resource` of a refused job (cpuCores, memoryMb, gpus, runtime, nodes) or the field the page found wrong. */
  resource: string | null;
}

interface Module {
  name: string;
  size: number;
  base64: string;
}

export function FogSubmitForm({ namespace, onSubmitted }: { namespace: string; onSubmitted: () => void }) {
  const id = useId();
  const router = useRouter();
  const mounted = useMounted();
  const [templates] = useQuery({ query: fogCommandTemplatesQuery, pause: !mounted });
  const [submitting, submit] = useMutation(submitFogJobMutation);
  const [runtime, setRuntime] = useState<FogRuntime>('WASI');
  const [name, setName] = useState('');
  const [module, setModule] = useState<Module | null>(null);
  const [reading, setReading] = useState(false);
  const [wasiArgs, setWasiArgs] = useState('');
  const [template, setTemplate] = useState('');
  const [templateArgs, setTemplateArgs] = useState<string[]>([]);
  const [cpuCores, setCpuCores] = useState('0.5');
  const [memoryMb, setMemoryMb] = useState('64');
  const [gpus, setGpus] = useState('0');
  const [timeoutS, setTimeoutS] = useState('60');
  const [sla, setSla] = useState<(typeof SLA_CLASSES)[number]>('A');
  const [tier, setTier] = useState<FogTier | ''>('');
  const [priority, setPriority] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);

  const templateList = templates.data?.fogCommandTemplates ?? [];
  const chosen = templateList.find((t) => t.name === template) ?? null;

  const onFile = async (file: File | undefined) => {
    setModule(null);
    setError(null);
    if (!file) return;
    setReading(true);
    try {
      setModule({ name: file.name, size: file.size, base64: bytesToBase64(new Uint8Array(await file.arrayBuffer())) });
    } finally {
      setReading(false);
    }
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const fail = (message: string, resource: string) => setError({ code: 'INVALID_INPUT', message, resource });
    const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
    const resources = { cpuCores: num(cpuCores), memoryMb: num(memoryMb), gpus: num(gpus) };
    if (!(resources.cpuCores > 0)) return fail('CPU cores must be a number above 0.', 'cpuCores');
    if (!Number.isInteger(resources.memoryMb) || resources.memoryMb < 1) return fail('Memory must be a whole number of MB, at least 1.', 'memoryMb');
    if (!(resources.gpus >= 0)) return fail('GPUs must be 0 or more.', 'gpus');
    const timeout = num(timeoutS);
    if (!(timeout > 0)) return fail('The timeout must be a number of seconds above 0.', 'timeoutMs');
    const input: SubmitFogJobInput = {
      namespace,
      name: name.trim() || null,
      runtime,
      resources,
      timeoutMs: Math.round(timeout * 1000),
      sla,
      tier: tier || null,
      priority: priority.trim() ? Number(priority) : null,
    };
    if (runtime === 'WASI') {
      if (!module) return fail('Choose a .wasm module to upload.', 'module');
      input.moduleBase64 = module.base64;
      input.args = wasiArgs.trim() ? wasiArgs.trim().split(/\s+/) : [];
    } else {
      if (!chosen) return fail('Choose a command template.', 'template');
      input.template = chosen.name;
      const args = chosen.argPatterns.map((_, i) => templateArgs[i] ?? '');
      while (args.length && args.at(-1) === '') args.pop(); // trailing positions left empty are not sent
      input.args = args;
    }
    const result = await submit({ input });
    if (result.error) {
      const resource = result.error.graphQLErrors[0]?.extensions?.resource;
      setError({ ...apiError(result.error), resource: typeof resource === 'string' ? resource : null });
      return;
    }
    onSubmitted();
    if (result.data) router.push(fogJobHref(result.data.submitFogJob.id));
  };

  return (
    <Section testId="fog-submit" title="Submit a job" sub={`Runs in namespace ${namespace}: a WASI module in the agent's sandbox, or an admin-registered command.`}>
      <form className="card form-card" onSubmit={onSubmit} data-testid="fog-submit-form" data-ready={mounted} noValidate>
        <div className="form-grid form-grid--4">
          <label className="field" htmlFor={`${id}-runtime`}>
            <span className="field__label">Runtime</span>
            <select id={`${id}-runtime`} className="input" value={runtime} onChange={(e) => setRuntime(e.target.value as FogRuntime)} data-testid="fog-submit-runtime">
              <option value="WASI">WASI module</option>
              <option value="COMMAND">Command template</option>
            </select>
          </label>
          <label className="field" htmlFor={`${id}-name`}>
            <span className="field__label">
              Name <span className="field__optional">optional</span>
            </span>
            <input id={`${id}-name`} className="input" value={name} maxLength={128} onChange={(e) => setName(e.target.value)} data-testid="fog-submit-name" />
          </label>
          {runtime === 'WASI' ? (
            <>
              <label className="field" htmlFor={`${id}-module`}>
                <span className="field__label">Module (.wasm)</span>
                <input
                  id={`${id}-module`}
                  className="input"
                  type="file"
                  accept=".wasm,application/wasm"
                  onChange={(e) => void onFile(e.target.files?.[0])}
                  data-testid="fog-submit-module"
                />
                <span className="field__hint" data-testid="fog-submit-module-state" data-ready={Boolean(module)} data-size={module?.size ?? ''}>
                  {reading ? 'Reading…' : module ? `${module.name}, ${formatBytes(module.size)}` : 'WASI preview1, run in a fresh sandbox'}
                </span>
              </label>
              <label className="field" htmlFor={`${id}-args`}>
                <span className="field__label">
                  Args <span className="field__optional">space-separated</span>
                </span>
                <input id={`${id}-args`} className="input mono" value={wasiArgs} onChange={(e) => setWasiArgs(e.target.value)} data-testid="fog-submit-args" />
              </label>
            </>
          ) : (
            <>
              <label className="field" htmlFor={`${id}-template`}>
                <span className="field__label">Template</span>
                <select
                  id={`${id}-template`}
                  className="input"
                  value={template}
                  onChange={(e) => {
                    setTemplate(e.target.value);
                    setTemplateArgs([]);
                  }}
                  data-testid="fog-submit-template"
                >
                  <option value="">{templateList.length ? 'Choose…' : 'No templates registered'}</option>
                  {templateList.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.name}
                    </option>
                  ))}
                </select>
                {chosen ? (
                  <span className="field__hint mono">
                    {chosen.command.join(' ')}
                    {chosen.description ? ` — ${chosen.description}` : ''}
                  </span>
                ) : null}
              </label>
              {chosen?.argPatterns.map((pattern, i) => (
                <label key={i} className="field" htmlFor={`${id}-targ-${i}`}>
                  <span className="field__label">
                    Arg {i + 1} <span className="field__optional mono">{pattern}</span>
                  </span>
                  <input
                    id={`${id}-targ-${i}`}
                    className="input mono"
                    value={templateArgs[i] ?? ''}
                    onChange={(e) => setTemplateArgs((prev) => Object.assign([...prev], { [i]: e.target.value }))}
                    data-testid="fog-submit-template-arg"
                  />
                </label>
              ))}
            </>
          )}
        </div>
        <div className="form-grid form-grid--4">
          <NumberInput id={`${id}-cpu`} label="CPU cores" value={cpuCores} onChange={setCpuCores} step="0.25" testId="fog-submit-cpu" invalid={error?.resource === 'cpuCores'} />
          <NumberInput id={`${id}-memory`} label="Memory MB" value={memoryMb} onChange={setMemoryMb} step="1" testId="fog-submit-memory" invalid={error?.resource === 'memoryMb'} />
          <NumberInput id={`${id}-gpus`} label="GPUs" value={gpus} onChange={setGpus} step="1" testId="fog-submit-gpus" invalid={error?.resource === 'gpus'} />
          <NumberInput id={`${id}-timeout`} label="Timeout, s" value={timeoutS} onChange={setTimeoutS} step="1" testId="fog-submit-timeout" invalid={error?.resource === 'timeoutMs'} />
          <label className="field" htmlFor={`${id}-sla`}>
            <span className="field__label">SLA class</span>
            <select id={`${id}-sla`} className="input" value={sla} onChange={(e) => setSla(e.target.value as typeof sla)} data-testid="fog-submit-sla">
              {SLA_CLASSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field" htmlFor={`${id}-tier`}>
            <span className="field__label">Tier</span>
            <select id={`${id}-tier`} className="input" value={tier} onChange={(e) => setTier(e.target.value as FogTier | '')} data-testid="fog-submit-tier">
              <option value="">The namespace&apos;s</option>
              {TIERS.map((t) => (
                <option key={t} value={t}>
                  {titleCase(t)}
                </option>
              ))}
            </select>
          </label>
          <NumberInput id={`${id}-priority`} label="Priority (Silver)" value={priority} onChange={setPriority} step="1" testId="fog-submit-priority" optional />
        </div>
        {error ? (
          <ApiErrorCallout error={error} testId="fog-submit-error">
            {error.resource ? (
              <div className="small" data-testid="fog-submit-error-resource" data-value={error.resource}>
                Resource: <code className="code">{error.resource}</code>
              </div>
            ) : null}
          </ApiErrorCallout>
        ) : null}
        <div className="form-card__actions">
          <button type="submit" className="button button--primary" disabled={!mounted || reading || submitting.fetching} data-testid="fog-submit-button">
            {submitting.fetching ? 'Submitting…' : 'Submit job'}
          </button>
        </div>
      </form>
    </Section>
  );
}

function NumberInput({
  id,
  label,
  value,
  onChange,
  step,
  testId,
  invalid = false,
  optional = false,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  step: string;
  testId: string;
  invalid?: boolean;
  optional?: boolean;
}) {
  return (
    <label className="field" htmlFor={id}>
      <span className="field__label">
        {label} {optional ? <span className="field__optional">optional</span> : null}
      </span>
      <input id={id} className="input" type="number" min={0} step={step} value={value} aria-invalid={invalid} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  );
}
