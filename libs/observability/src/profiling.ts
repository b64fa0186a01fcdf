/**
 * Profiling's shared vocabulary (pure, browser-safe): what a capture request looks like on
 * the control channel, the limits on it, and the names of the files it produces. The
 * capture itself (node:inspector), the agent every process runs and the service the API
 * calls are in profiling.capture.ts, profiling.agent.ts and profiling.service.ts.
 */

export type ProfileKind = 'CPU' | 'HEAP';
export type ProfileStatus = 'PENDING' | 'CAPTURING' | 'READY' | 'FAILED';
export type ProfileComponent = 'api' | 'worker';

/** The limit: a CPU profile runs for 1 to 60 whole seconds. */
export const PROFILE_MIN_SECONDS = 1;
export const PROFILE_MAX_SECONDS = 60;

/** `target` shorthand for the API instance that received the request. */
export const SELF_TARGET = 'api';

/** A capture request, published to the one instance it addresses. JSON-safe. */
export interface ProfileRequestMessage {
  artifactId: string;
  kind: ProfileKind;
  /** CPU only. */
  seconds?: number;
}

/**
 * Each process listens on its own channel, so only the addressed instance ever sees a
 * request, and PUBLISH's receiver count tells the requester at once whether it is listening.
 */
export const profilingChannel = (redisPrefix: string, instanceId: string) => `${redisPrefix}:profiling:${instanceId}`;

/** Why `seconds` is refused, or null when it is acceptable. */
export function profileSecondsProblem(seconds: number): string | null {
  if (!Number.isInteger(seconds) || seconds < PROFILE_MIN_SECONDS || seconds > PROFILE_MAX_SECONDS) {
    return `seconds must be a whole number from ${PROFILE_MIN_SECONDS} to ${PROFILE_MAX_SECONDS} (got ${seconds})`;
  }
  return null;
}

/** The extension Chrome DevTools and speedscope recognise for each kind. */
export const profileExtension = (kind: ProfileKind) => (kind === 'CPU' ? 'cpuprofile' : 'heapsnapshot');

/** The download's file name: `profile-<id>.cpuprofile` / `profile-<id>.heapsnapshot`. */
export const profileFileName = (id: string, kind: ProfileKind) => `profile-${id}.${profileExtension(kind)}`;

/** Where an artifact is downloaded from, relative to the API's base URL. */
export const profileDownloadPath = (id: string) => `/v1/profiles/${id}`;

/** Parses a control-channel message; null for anything that is not a well-formed request. */
export function parseProfileRequest(raw: string): ProfileRequestMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  if (typeof m.artifactId !== 'string' || !/^\d+$/.test(m.artifactId)) return null;
  if (m.kind === 'HEAP') return { artifactId: m.artifactId, kind: 'HEAP' };
  if (m.kind === 'CPU' && typeof m.seconds === 'number' && profileSecondsProblem(m.seconds) === null) {
    return { artifactId: m.artifactId, kind: 'CPU', seconds: m.seconds };
  }
  return null;
}

/** The shape of a V8 `.cpuprofile` (Profiler.Profile), enough to check one. */
export interface CpuProfileShape {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** True when `v` is a V8 CPU profile as Chrome DevTools and speedscope read it. */
export function isCpuProfile(v: unknown): v is CpuProfileShape {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    Array.isArray(p.nodes) && p.nodes.length > 0 && typeof p.startTime === 'number' && typeof p.endTime === 'number' &&
    p.endTime >= p.startTime && Array.isArray(p.samples) && Array.isArray(p.timeDeltas) && p.samples.length === p.timeDeltas.length
  );
}

/** True when `v` is a V8 heap snapshot (`snapshot.meta`, flat `nodes` and `edges` arrays). */
export function isHeapSnapshot(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as { snapshot?: { meta?: { node_fields?: unknown } }; nodes?: unknown; edges?: unknown; strings?: unknown };
  return Array.isArray(s.snapshot?.meta?.node_fields) && Array.isArray(s.nodes) && s.nodes.length > 0 && Array.isArray(s.edges) && Array.isArray(s.strings);
}
