// The two onnxruntime builds available on Node. ort-node is native (fast session creation, real
// threads, WebGPU/CUDA providers); ort-web is the same WASM build Workers and browsers run.
import { createOrtBackend, ORT_WEB_MEMORY } from '../../functions/runtime/ort.ts';
import type { InferenceBackend } from '../../functions/runtime/backend.ts';
import { providerChain } from '../../functions/runtime/provider-chain.ts';
import { silentLogger, type Logger } from '../../functions/util/log.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import { OptionError } from '../../functions/options/parse-value.ts';

export type BackendName = 'ort-node' | 'ort-web';
export const BACKEND_NAMES: readonly BackendName[] = ['ort-node', 'ort-web'];

export interface NodeBackendOptions {
  /** onnxruntime's intraOpNumThreads (TF Serving's --tensorflow_intra_op_parallelism); unset: its own choice. */
  readonly threads?: number;
  /** onnxruntime's interOpNumThreads (--tensorflow_inter_op_parallelism); unset: its own choice. */
  readonly interOpThreads?: number;
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
        // Inter-op threads only run operators side by side in onnxruntime's parallel mode, which is
        // what TF Serving's inter_op_parallelism above 1 asks for; 1 is the default sequential mode.
        ...(options.interOpThreads ? { interOpNumThreads: options.interOpThreads } : {}),
        ...(options.interOpThreads && options.interOpThreads > 1 ? { executionMode: 'parallel' as const } : {}),
      });
    const providers = options.providers ?? ['cpu'];
    if (providers.length === 1) return backendFor(providers[0]!);
    return providerChain(providers.map((provider) => ({ provider, backend: backendFor(provider) })), options.logger ?? silentLogger);
  }
  const ort = await import('onnxruntime-web/wasm'); // the WASM-only build Workers run (no 28 MB WebGPU binary)
  // No proxy worker or thread pool in Node: plain single-threaded WASM, as on Workers.
  ort.env.wasm.numThreads = options.threads ?? 1;
  ort.env.wasm.proxy = false;
  return createOrtBackend(ort, 'ort-web(wasm)', { executionProviders: ['wasm'] }, { estimate: ORT_WEB_MEMORY });
}

/**
 * The thread counts by TF Serving's rule (server.cc): the intra- and inter-op flags when either is
 * given, else --tensorflow_session_parallelism for both; all three at once is refused. 0 and unset
 * both leave the runtime's own choice.
 */
export function threadCounts(values: OptionValues): { threads?: number; interOpThreads?: number } {
  const intra = values.threads ?? 0;
  const inter = values.interOpThreads ?? 0;
  const session = values.sessionParallelism ?? 0;
  if (intra > 0 && inter > 0 && session > 0) {
    throw new OptionError(
      'Either configure --tensorflow_session_parallelism or (--tensorflow_intra_op_parallelism, --tensorflow_inter_op_parallelism) separately. You cannot configure all.',
    );
  }
  const [i, o] = intra > 0 || inter > 0 ? [intra, inter] : [session, session];
  return { threads: i || undefined, interOpThreads: o || undefined };
}

/** The runtime options of the option table (--backend, the thread flags, --execution_providers) → a backend. */
export function backendFromOptions(values: OptionValues, logger: Logger): Promise<InferenceBackend> {
  return createNodeBackend(values.backend ?? 'ort-node', {
    ...threadCounts(values),
    providers: values.executionProviders?.length ? values.executionProviders : undefined,
    logger,
  });
}
