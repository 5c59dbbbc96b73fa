// The two onnxruntime builds available on Node. ort-node is native (fast session creation, real
// threads, WebGPU/CUDA providers); ort-web is the same WASM build Workers and browsers run.
import { createOrtBackend } from '../../functions/runtime/ort.ts';
import type { InferenceBackend } from '../../functions/runtime/backend.ts';
import { providerChain } from '../../functions/runtime/provider-chain.ts';
import { silentLogger, type Logger } from '../../functions/util/log.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';

export type BackendName = 'ort-node' | 'ort-web';
export const BACKEND_NAMES: readonly BackendName[] = ['ort-node', 'ort-web'];

export interface NodeBackendOptions {
  readonly threads?: number;
  /** onnxruntime-node execution providers to try in order, e.g. ['webgpu', 'cuda', 'cpu']. */
  readonly providers?: readonly string[];
  readonly logger?: Logger;
}

export async function createNodeBackend(name: BackendName, options: NodeBackendOptions = {}): Promise<InferenceBackend> {
  if (name === 'ort-node') {
    const ort = await import('onnxruntime-node');
    const backendFor = (provider: string) =>
      createOrtBackend(ort, `ort-node(${provider})`, {
        executionProviders: [provider],
        ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      });
    const providers = options.providers ?? ['cpu'];
    if (providers.length === 1) return backendFor(providers[0]!);
    return providerChain(providers.map((provider) => ({ provider, backend: backendFor(provider) })), options.logger ?? silentLogger);
  }
  const ort = await import('onnxruntime-web/wasm'); // the WASM-only build Workers run (no 28 MB WebGPU binary)
  // No proxy worker or thread pool in Node: plain single-threaded WASM, as on Workers.
  ort.env.wasm.numThreads = options.threads ?? 1;
  ort.env.wasm.proxy = false;
  return createOrtBackend(ort, 'ort-web(wasm)', { executionProviders: ['wasm'] });
}

/** The runtime options of the option table (--backend, --threads, --execution_providers) → a backend. */
export function backendFromOptions(values: OptionValues, logger: Logger): Promise<InferenceBackend> {
  return createNodeBackend(values.backend ?? 'ort-node', {
    threads: values.threads || undefined, // 0: the runtime's own choice
    providers: values.executionProviders?.length ? values.executionProviders : undefined,
    logger,
  });
}
