// Issue 8's target: what request logging and metrics add to a warm predict of the classifier.
// The same handle() with and without a request sink (JSON lines through the Node server's batched
// writer, into /dev/null so the numbers are not the terminal's), interleaved. Metrics recording
// is always on in both (it cannot be switched off); Server-Timing is computed in both.
import { createWriteStream } from 'node:fs';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { batchedLineWriter } from '../adapters/node/line-writer.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { createEdgeserve } from '../functions/app.ts';
import { silentLogger } from '../functions/util/log.ts';
import { jsonLineSink } from '../functions/metrics/request-record.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

export async function benchObservability(repository: string) {
  const backend = await createNodeBackend('ort-node');
  const devNull = createWriteStream('/dev/null');
  const bytes = new TextEncoder().encode(pythonStyleRows(mnistSamples(1).images));
  const request = (): RestRequest => ({ method: 'POST', pathAndQuery: '/v1/models/mnist:predict', header: () => null, readBody: async () => bytes });
  const make = (logging: boolean) =>
    createEdgeserve({
      store: new FileSystemStore(repository), backend, logger: silentLogger,
      requestSink: logging ? jsonLineSink(batchedLineWriter(devNull)) : undefined,
    });
  // Fresh pairs, created in alternating order, so neither variant keeps a layout or JIT advantage.
  const logged: number[] = [];
  const quiet: number[] = [];
  for (let round = 0; round < 4; round++) {
    const pair = round % 2 === 0 ? [make(true), make(false)] : [make(false), make(true)].reverse();
    const [withLog, without] = pair as [ReturnType<typeof make>, ReturnType<typeof make>];
    await Promise.all([withLog.warmup(['mnist']), without.warmup(['mnist'])]);
    const { a, b } = await interleave(() => withLog.handle(request()), () => without.handle(request()), 1500);
    logged.push(...a);
    quiet.push(...b);
    await withLog.manager.close();
    await without.manager.close();
  }
  devNull.end();
  return { loggedUs: median(logged), quietUs: median(quiet) };
}
