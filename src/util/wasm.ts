/**
 * Compile a WebAssembly module shipped as base64 (see scripts/build-wasm.ts),
 * synchronously: our modules are a few hundred bytes to a few kilobytes,
 * within what browsers allow on the main thread. null where this JavaScript
 * engine cannot run it (no WebAssembly, or no SIMD): callers fall back.
 */
export function compileWasm(base64: string): WebAssembly.Module | null {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
      ? new WebAssembly.Module(bytes)
      : null;
  } catch {
    return null;
  }
}
