// onnxruntime-web inside workerd. workerd forbids compiling WebAssembly from bytes, `new
// Function`, dynamic import of URLs and Workers threads, so ort's usual ways of fetching and
// compiling its .wasm all fail there. What works (measured, see platform notes):
// - the bundle build `onnxruntime-web/wasm` (glue included, no dynamic import);
// - the .wasm imported as a module, which the Workers bundler compiles at deploy time;
// - ort told that the binary is already "in hand" (an empty wasmBinary), and
//   WebAssembly.instantiate wrapped so that ort's call with those empty bytes instantiates the
//   precompiled module instead.
// This leans on ort 1.30's glue calling instantiate(new Uint8Array(wasmBinary), imports): the
// version is pinned, and the workerd conformance test fails if that ever changes.
import * as ort from 'onnxruntime-web/wasm';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import type { InferenceBackend } from '../../functions/runtime/backend.ts';
import { createOrtBackend } from '../../functions/runtime/ort.ts';

let wired = false;

function wire(): void {
  if (wired) return;
  wired = true;
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
  (WebAssembly as { instantiate: unknown }).instantiate = (source: unknown, imports?: WebAssembly.Imports) => {
    if (ArrayBuffer.isView(source) && source.byteLength === 0) {
      return WebAssembly.instantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }));
    }
    return instantiate(source, imports);
  };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = new Uint8Array(0);
}

export function createWorkersBackend(): InferenceBackend {
  wire();
  return createOrtBackend(ort, 'ort-web(wasm, workerd)', { executionProviders: ['wasm'] });
}
