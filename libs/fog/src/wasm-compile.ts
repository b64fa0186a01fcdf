/**
 * Compiling a guest for the WASI sandbox, and a bounded cache of compiled modules. Compiling
 * happens in the parent (the engine compiles off the main thread; no guest code runs), and the
 * compiled `WebAssembly.Module` is posted to a sandbox worker, which shares the machine code
 * instead of compiling again. A module is compiled once per (content, memory cap): the cap
 * is written into the module's bytes (`capModuleMemory`), so a different cap is a different module.
 */
import { createHash } from 'node:crypto';
import { capModuleMemory } from './wasm-limits.js';
import { wasm, type WasmModule } from './wasm-api.js';
import type { SandboxFailure } from './wasi-sandbox.protocol.js';

const WASI_MODULE = 'wasi_snapshot_preview1';

/** A module ready to instantiate, or why it cannot run (deterministic for the same bytes and cap). */
export type CompiledGuest = { readonly ok: true; readonly module: WasmModule } | { readonly ok: false; readonly failure: SandboxFailure };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Imports the guest may link against: only function imports from wasi_snapshot_preview1. */
function importProblem(mod: WasmModule): SandboxFailure | null {
  const bad = wasm.Module.imports(mod).filter((i) => i.module !== WASI_MODULE || i.kind !== 'function');
  if (bad.length === 0) return null;
  const list = bad.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ');
  return { code: 'LINK_ERROR', message: `module imports ${list}; only ${WASI_MODULE} functions are provided` };
}

function exportProblem(mod: WasmModule): SandboxFailure | null {
  const ex = new Map(wasm.Module.exports(mod).map((e) => [e.name, e.kind]));
  if (ex.get('_start') !== 'function') return { code: 'LINK_ERROR', message: 'module does not export a _start function' };
  if (ex.get('memory') !== 'memory') return { code: 'LINK_ERROR', message: 'module does not export its memory as "memory"' };
  return null;
}

/**
 * Caps the module's memory at `maxPages`, compiles it and checks its imports and exports. The
 * memory it exports is its own (memories cannot be imported), so every instance gets a new one.
 */
export async function compileGuest(bytes: Uint8Array, maxPages: number): Promise<CompiledGuest> {
  const capped = capModuleMemory(bytes, maxPages);
  if (capped.kind === 'refused') return { ok: false, failure: { code: 'MEMORY_LIMIT', message: capped.message } };
  let mod: WasmModule;
  try {
    mod = await wasm.compile(capped.kind === 'ok' ? capped.bytes : bytes);
  } catch (e) {
    return { ok: false, failure: { code: 'COMPILE_ERROR', message: message(e) } };
  }
  // A module the engine compiles but the cap's parser could not read is not run uncapped.
  if (capped.kind === 'unparseable') return { ok: false, failure: { code: 'COMPILE_ERROR', message: capped.message } };
  const failure = importProblem(mod) ?? exportProblem(mod);
  return failure ? { ok: false, failure } : { ok: true, module: mod };
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Compiled modules by (sha256, memory cap), least recently used evicted past `maxEntries`.
 * Concurrent requests for one key share one compilation. Failures are cached too: the same
 * bytes fail the same way.
 */
export class CompiledModuleCache {
  private readonly entries = new Map<string, Promise<CompiledGuest>>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 32) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be an integer ≥ 1, got ${maxEntries}`);
  }

  get(sha256: string, maxPages: number, bytes: () => Uint8Array): Promise<CompiledGuest> {
    const key = `${sha256}:${maxPages}`;
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      this.entries.delete(key); // re-insert: Map order is the LRU order
      this.entries.set(key, found);
      return found;
    }
    this.misses++;
    const compiled = compileGuest(bytes(), maxPages);
    this.entries.set(key, compiled);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return compiled;
  }

  /** Whether a module with this sha256 is compiled (under any cap). */
  has(sha256: string): boolean {
    for (const key of this.entries.keys()) if (key.startsWith(`${sha256}:`)) return true;
    return false;
  }

  get size(): number {
    return this.entries.size;
  }
}
