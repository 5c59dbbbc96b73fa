// The pieces of one warm mnist predict, each run `n` times in a row: the same code in workerd (a
// bench-only Worker, bench/workerd-split-worker.ts) and in Node. workerd's clocks stand still
// while JavaScript runs, so the loops are timed from outside, per request of n iterations; the
// difference between two values of n, divided, is one iteration's cost. This is how the workerd
// row's gap is split into the runtime (onnxruntime-web's run), the codec (parse, decode, write)
// and the layers around them (the REST handler, the Fetch conversion and hono).
import { createEdgeserve, type Edgeserve } from '../functions/app.ts';
import { predictInputsFromJson } from '../functions/codec/predict-request.ts';
import { predictResponseBody } from '../functions/codec/predict-response.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import type { InferenceBackend, InferenceSession } from '../functions/runtime/backend.ts';
import type { Tensor } from '../functions/tensor/tensor.ts';
import { parseJson } from '../functions/util/json/parse.ts';
import type { JsonObject } from '../functions/util/json/value.ts';
import { silentLogger } from '../functions/util/log.ts';
import { MemoryStore } from '../test/support/memory-store.ts';

export const PIECES = ['parse', 'decode', 'run', 'write', 'handle', 'fetch', 'empty'] as const;
export type Piece = (typeof PIECES)[number];

export interface SplitSubject {
  readonly edgeserve: Edgeserve;
  readonly session: InferenceSession;
  readonly body: string;
  readonly feeds: Map<string, Tensor>;
  readonly outputs: Map<string, Tensor>;
}

/** An edgeserve serving `model` (mnist) from memory, warmed, and the pieces' inputs. */
export async function splitSubject(backend: InferenceBackend, model: Uint8Array, body: string): Promise<SplitSubject> {
  const store = new MemoryStore();
  store.put('mnist/1/model.onnx', model);
  const edgeserve = createEdgeserve({ store, backend, logger: silentLogger });
  const session = await backend.createSession(model);
  const doc = parseJson(body, undefined, { numberRuns: true }) as JsonObject;
  const feeds = predictInputsFromJson(doc, session.inputs).feeds;
  const outputs = await session.run(feeds);
  const subject = { edgeserve, session, body, feeds, outputs };
  for (const piece of PIECES) await runPiece(subject, piece, 20); // JIT and the model's load
  return subject;
}

export async function runPiece(s: SplitSubject, piece: Piece, n: number): Promise<void> {
  const bytes = new TextEncoder().encode(s.body);
  const request: RestRequest = { method: 'POST', pathAndQuery: '/v1/models/mnist:predict', header: () => null, readBody: async () => bytes };
  for (let i = 0; i < n; i++) {
    switch (piece) {
      case 'parse':
        parseJson(s.body, undefined, { numberRuns: true });
        break;
      case 'decode':
        predictInputsFromJson(parseJson(s.body, undefined, { numberRuns: true }) as JsonObject, s.session.inputs);
        break;
      case 'run':
        await s.session.run(s.feeds);
        break;
      case 'write':
        predictResponseBody('row', s.outputs);
        break;
      case 'handle': {
        const res = await s.edgeserve.handle(request);
        if (res.status !== 200) throw new Error(`handle: ${res.status} ${res.body}`);
        break;
      }
      case 'fetch': {
        const res = await s.edgeserve.app.fetch(new Request('http://edgeserve/v1/models/mnist:predict', { method: 'POST', body: s.body }));
        if (res.status !== 200) throw new Error(`fetch: ${res.status}`);
        await res.text();
        break;
      }
      case 'empty':
        await (await s.edgeserve.app.fetch(new Request('http://edgeserve/healthz'))).text();
        break;
    }
  }
}
