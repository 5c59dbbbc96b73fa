// The two onnxruntime builds available on Node. ort-node is native (fast session creation, real
// threads, WebGPU/CUDA providers); ort-web is the same WASM build Workers and browsers run.
import { createOrtBackend } from '../../functions/runtime/ort.ts';
import type { InferenceBackend } from '../../functions/runtime/backend.ts';

export type BackendName = 'ort-node' | 'ort-web';
export const BACKEND_NAMES: readonly BackendName[] = ['ort-node', 'ort-web'];

export async function createNodeBackend(name: BackendName, options: { threads?: number } = {}): Promise<InferenceBackend> {
  if (name === 'ort-node') {
    const ort = await import('onnxruntime-node');
    return createOrtBackend(ort, 'ort-node(cpu)', {
      executionProviders: ['cpu'],
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
  }
  const ort = await import('onnxruntime-web/wasm'); // the WASM-only build Workers run (no 28 MB WebGPU binary)
  // No proxy worker or thread pool in Node: plain single-threaded WASM, as on Workers.
  ort.env.wasm.numThreads = options.threads ?? 1;
  ort.env.wasm.proxy = false;
  return createOrtBackend(ort, 'ort-web(wasm)', { executionProviders: ['wasm'] });
}
