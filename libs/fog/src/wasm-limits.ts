/**
 * Caps the linear memory a WebAssembly module may use, by reading and rewriting its memory
 * section before compilation: a module whose initial size already exceeds the cap is refused,
 * and every defined memory gets `maximum = min(declared maximum, cap)`, so `memory.grow` past
 * the cap returns -1 inside the guest (as an out-of-memory malloc would) instead of reserving
 * host memory. V8's heap limits (`resourceLimits`) do not cover wasm memory, hence this.
 */

/** Bytes in one WebAssembly page. */
export const WASM_PAGE_BYTES = 65_536;

/** Most pages a 32-bit memory can have (4 GiB). */
export const MAX_WASM32_PAGES = 65_536;

/** Limits of one memory (in pages) as declared by the module. */
export interface MemoryLimits {
  readonly minPages: number;
  readonly maxPages: number | null;
  readonly shared: boolean;
}

export type MemoryCapResult =
  /** `bytes` is the module to compile (the input itself when nothing needed patching). */
  | { readonly kind: 'ok'; readonly bytes: Uint8Array; readonly declared: readonly MemoryLimits[]; readonly patched: boolean }
  /** A memory's initial size exceeds the cap, or it is a 64-bit memory. */
  | { readonly kind: 'refused'; readonly message: string; readonly declared: readonly MemoryLimits[] }
  /** Not a well-formed module binary: let the engine's compiler report the real error. */
  | { readonly kind: 'unparseable'; readonly message: string };

class Reader {
  constructor(
    readonly b: Uint8Array,
    public pos = 0,
  ) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new RangeError('unexpected end of module');
    return this.b[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffff_ffff) throw new RangeError('LEB128 u32 out of range');
        return result;
      }
      shift += 7;
    }
    throw new RangeError('LEB128 u32 too long');
  }
}

/** Unsigned LEB128 of a non-negative integer below 2^32 (also used by the test-module encoder). */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`uleb: ${n} is not a u32`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const MEMORY_SECTION = 5;
const FLAG_HAS_MAX = 0x01;
const FLAG_SHARED = 0x02;
const FLAG_MEMORY64 = 0x04;

/** Reads the memory section payload: its memories and their flags. */
function readMemories(payload: Uint8Array): Array<MemoryLimits & { flags: number }> {
  const r = new Reader(payload);
  const count = r.u32();
  const out: Array<MemoryLimits & { flags: number }> = [];
  for (let i = 0; i < count; i++) {
    const flags = r.byte();
    if (flags & ~0x07) throw new RangeError(`unknown memory limits flags 0x${flags.toString(16)}`);
    if (flags & FLAG_MEMORY64) return [...out, { flags, minPages: NaN, maxPages: null, shared: false }];
    const minPages = r.u32();
    const maxPages = flags & FLAG_HAS_MAX ? r.u32() : null;
    out.push({ flags, minPages, maxPages, shared: (flags & FLAG_SHARED) !== 0 });
  }
  if (r.pos !== payload.length) throw new RangeError('memory section has trailing bytes');
  return out;
}

/**
 * Checks and caps the module's memories at `maxPages` pages (1..65,536). Pure: returns a new
 * byte array when it patches, never mutates the input.
 */
export function capModuleMemory(module: Uint8Array, maxPages: number): MemoryCapResult {
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_WASM32_PAGES)
    throw new RangeError(`maxPages must be an integer in [1, ${MAX_WASM32_PAGES}], got ${maxPages}`);
  const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (module.length < 8 || MAGIC.some((v, i) => module[i] !== v)) return { kind: 'unparseable', message: 'not a wasm 1.0 binary' };
  try {
    const r = new Reader(module, 8);
    while (r.pos < module.length) {
      const sectionStart = r.pos;
      const id = r.byte();
      const size = r.u32();
      const payloadStart = r.pos;
      const end = payloadStart + size;
      if (end > module.length) throw new RangeError('section runs past the end of the module');
      r.pos = end;
      if (id !== MEMORY_SECTION) continue;
      const mems = readMemories(module.subarray(payloadStart, end));
      const declared = mems.map(({ minPages, maxPages: max, shared }) => ({ minPages, maxPages: max, shared }));
      if (mems.some((m) => m.flags & FLAG_MEMORY64)) return { kind: 'refused', message: '64-bit memories are not supported', declared };
      const tooBig = mems.find((m) => m.minPages > maxPages);
      if (tooBig)
        return {
          kind: 'refused',
          message: `module declares an initial memory of ${tooBig.minPages} pages (${tooBig.minPages * WASM_PAGE_BYTES} bytes), over the limit of ${maxPages} pages (${maxPages * WASM_PAGE_BYTES} bytes)`,
          declared,
        };
      if (mems.every((m) => m.maxPages !== null && m.maxPages <= maxPages)) return { kind: 'ok', bytes: module, declared, patched: false };
      const payload = [...uleb(mems.length)];
      for (const m of mems) {
        const max = m.maxPages === null ? maxPages : Math.min(m.maxPages, maxPages);
        payload.push(m.flags | FLAG_HAS_MAX, ...uleb(m.minPages), ...uleb(max));
      }
      const header = [MEMORY_SECTION, ...uleb(payload.length)];
      const out = new Uint8Array(sectionStart + header.length + payload.length + (module.length - end));
      out.set(module.subarray(0, sectionStart), 0);
      out.set(header, sectionStart);
      out.set(payload, sectionStart + header.length);
      out.set(module.subarray(end), sectionStart + header.length + payload.length);
      return { kind: 'ok', bytes: out, declared, patched: true };
    }
    return { kind: 'ok', bytes: module, declared: [], patched: false };
  } catch (e) {
    return { kind: 'unparseable', message: (e as Error).message };
  }
}
