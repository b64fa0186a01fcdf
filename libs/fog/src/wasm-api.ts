/**
 * The slice of the WebAssembly JS API this package uses, typed here because TypeScript
 * declares `WebAssembly` only in its DOM libs, which a Node library should not pull in.
 * Internal: not exported from the package.
 */

export interface WasmImportDescriptor {
  readonly module: string;
  readonly name: string;
  readonly kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}
export interface WasmExportDescriptor {
  readonly name: string;
  readonly kind: WasmImportDescriptor['kind'];
}
/** An opaque compiled module. */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  readonly Module: {
    imports(module: WasmModule): WasmImportDescriptor[];
    exports(module: WasmModule): WasmExportDescriptor[];
  };
  readonly RuntimeError: abstract new (...args: never[]) => Error;
}

/** The engine's `WebAssembly` global. */
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
