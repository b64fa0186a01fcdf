/**
 * Validation of a fog job submission, with nothing looked up: the caller resolves the
 * namespace, the module and the template (once per batch) and this checks one item against
 * them. Throws coded AppErrors naming the field (and, for resources, `resource`).
 */
import { AppError, ErrorCode, badInput } from '@aivillage/errors';
import { commandArgsProblem, type CommandTemplateSpec } from './command-template.js';
import { TIER_RANK, isSlaClass, type SlaClass, type Tier } from './tiers.js';

export interface SubmitFogJobInput {
  namespace: string;
  name?: string | null;
  runtime: 'WASI' | 'COMMAND';
  /** WASI: the module, base64. */
  moduleBase64?: string | null;
  /** WASI: a module uploaded before (uploadFogModule) or used by an earlier job. */
  moduleSha256?: string | null;
  /** COMMAND: an admin-registered template. */
  template?: string | null;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  cpuCores?: number | null;
  memoryMb?: number | null;
  gpus?: number | null;
  timeoutMs?: number | null;
  sla?: string | null;
  tier?: Tier | null;
  priority?: number | null;
}

/** A submission that passed validation: the columns of its row but the module and namespace. */
export interface ValidatedFogJob {
  tier: Tier;
  sla: SlaClass;
  request: { cpuCores: number; memoryMb: number; gpus: number };
  timeoutMs: number;
  args: string[];
  env: Record<string, string>;
  priority: number;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Checks everything of one item that needs no database: tier ceiling, SLA, resources, timeout, args, env, priority, runtime fields. */
export function validateSubmission(
  input: SubmitFogJobInput,
  ns: { tier: Tier },
  caller: { tier: Tier },
  maxTimeoutMs: number,
): ValidatedFogJob {
  const ceiling = TIER_RANK[caller.tier] > TIER_RANK[ns.tier] ? caller.tier : ns.tier;
  const tier = input.tier ?? ns.tier;
  if (TIER_RANK[tier] > TIER_RANK[ceiling]) throw new AppError(ErrorCode.FORBIDDEN, `tier ${tier} is above both the namespace's (${ns.tier}) and the caller's (${caller.tier})`);
  const sla = (input.sla ?? 'A') as SlaClass;
  if (!isSlaClass(sla)) throw badInput('sla must be S, A or B', { field: 'sla' });
  const request = { cpuCores: input.cpuCores ?? 1, memoryMb: input.memoryMb ?? 128, gpus: input.gpus ?? 0 };
  if (!(request.cpuCores > 0 && request.cpuCores <= 4096)) throw badInput('resources.cpuCores must be > 0', { field: 'cpuCores', resource: 'cpuCores' });
  if (!Number.isInteger(request.memoryMb) || request.memoryMb < 1) throw badInput('resources.memoryMb must be an integer ≥ 1', { field: 'memoryMb', resource: 'memoryMb' });
  if (!(request.gpus >= 0 && request.gpus <= 256)) throw badInput('resources.gpus must be 0 to 256', { field: 'gpus', resource: 'gpus' });
  const timeoutMs = input.timeoutMs ?? 60_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > maxTimeoutMs) throw badInput(`timeoutMs must be 10 to ${maxTimeoutMs}`, { field: 'timeoutMs' });
  const args = input.args ?? [];
  if (args.length > 256 || args.some((a) => a.length > 4096)) throw badInput('at most 256 args of 4096 characters', { field: 'args' });
  const envList = input.env ?? [];
  if (envList.length > 64) throw badInput('at most 64 env entries', { field: 'env' });
  const env: Record<string, string> = {};
  for (const e of envList) {
    if (!ENV_NAME.test(e.name) || e.value.length > 4096 || e.value.includes('\0')) throw badInput(`env ${JSON.stringify(e.name)}: invalid name or value`, { field: 'env' });
    env[e.name] = e.value;
  }
  const priority = input.priority ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > 1_000_000) throw badInput('priority must be an integer within ±1,000,000', { field: 'priority' });
  if (input.runtime === 'WASI') {
    if (input.template != null) throw badInput('template is for runtime COMMAND', { field: 'template' });
    if ((input.moduleBase64 == null) === (input.moduleSha256 == null)) throw badInput('give exactly one of moduleBase64 and moduleSha256', { field: 'moduleBase64' });
    if (input.moduleSha256 != null && !SHA256_HEX.test(input.moduleSha256)) throw badInput('moduleSha256 must be 64 lowercase hex digits', { field: 'moduleSha256' });
  } else {
    if (input.moduleBase64 != null || input.moduleSha256 != null) throw badInput('a module is for runtime WASI', { field: 'moduleBase64' });
    if (!input.template) throw badInput('runtime COMMAND needs a template', { field: 'template' });
  }
  return { tier, sla, request, timeoutMs, args, env, priority };
}

/** COMMAND: the template must exist and the arguments fit it. */
export function checkTemplate(input: SubmitFogJobInput, template: CommandTemplateSpec | undefined, args: readonly string[]): string {
  if (!template) throw badInput(`no command template ${JSON.stringify(input.template)} (an admin registers them)`, { field: 'template' });
  const problem = commandArgsProblem(template, args);
  if (problem) throw badInput(problem, { field: 'args' });
  return template.name;
}
