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
import { createOrtBackend, ORT_WEB_MEMORY } from '../../functions/runtime/ort.ts';

let wired = false;
/** ort's WASM memory once instantiated: its size is what the memory budget measures sessions by. */
let wasmMemory: WebAssembly.Memory | undefined;
/** Its size when instantiated: ort's own start-up share, which no session is charged for. */
let initialBytes = 0;

function findMemory(...places: (object | undefined)[]): WebAssembly.Memory | undefined {
  for (const place of places) {
    for (const value of Object.values(place ?? {})) {
      if (value instanceof WebAssembly.Memory) return value;
      if (value !== null && typeof value === 'object') {
        for (const inner of Object.values(value)) if (inner instanceof WebAssembly.Memory) return inner;
      }
    }
  }
  return undefined;
}

function wire(): void {
  if (wired) return;
  wired = true;
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
  (WebAssembly as { instantiate: unknown }).instantiate = (source: unknown, imports?: WebAssembly.Imports) => {
    if (ArrayBuffer.isView(source) && source.byteLength === 0) {
      return WebAssembly.instantiate(ortWasm, imports).then((instance) => {
        // Exported by ort 1.30's build; an imported one is looked for too, should a build change that.
        wasmMemory = findMemory(instance.exports, imports);
        initialBytes = wasmMemory?.buffer.byteLength ?? 0;
        return { instance, module: ortWasm };
      });
    }
    return instantiate(source, imports);
  };
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = new Uint8Array(0);
}

export function createWorkersBackend(): InferenceBackend {
  wire();
  return createOrtBackend(ort, 'ort-web(wasm, workerd)', { executionProviders: ['wasm'] }, {
    estimate: ORT_WEB_MEMORY,
    heapBytes: () => (wasmMemory ? wasmMemory.buffer.byteLength - initialBytes : 0),
  });
}
