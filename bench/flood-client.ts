// The maximal-body client of the head-of-line row, in its own process so that building, sending
// and draining 30 MB messages never runs on the measuring client's event loop. It sends one of two
// maximal bodies, one after another on one keep-alive socket, while told to:
//   detector  the largest columnar batch of 1×3×320×320 images (numpy float32 text, ≈ 6.3 MB each)
//             that fits the default 32 MiB body limit, to text_detector (5 images, ≈ 31 MB)
//   ones      the largest {"instances": [1, 1, …]} the default limits accept, to half_plus_two
//             (the 8,388,608-element budget binds first: ≈ 25 MB)
// Commands on stdin, one a line:
//   go    start sending (answers {"event":"flooding"} once the first body is on its way)
//   stop  finish the request in flight, then stop (answers {"event":"idle","ms":[…]})
//   tsx bench/flood-client.ts URL detector|ones
import { createInterface } from 'node:readline';
import { KeepAliveClient } from './keep-alive-client.ts';
import { DET, detInput } from './large-models.ts';
import { pythonNested } from './stats.ts';

/** The Node server's defaults: --max_request_elements and --max_body_bytes. */
export const MAX_ELEMENTS = 8_388_608;
export const MAX_BODY_BYTES = 33_554_432;

/** `{"instances": [1, 1, …]}` with `n` ones, as json.dumps writes a list of ints. */
export function onesBody(n = MAX_ELEMENTS): Buffer {
  return Buffer.from(`{"instances": [${'1, '.repeat(n - 1)}1]}`);
}

/** `{"inputs": [image, image, …]}`: as many copies of one detector image as fit under the limit. */
export function detectorBody(limit = MAX_BODY_BYTES): { body: Buffer; batch: number } {
  const { data, dims } = detInput(1);
  const image = pythonNested(data, dims.slice(1));
  const batch = Math.floor((limit - '{"inputs": []}'.length + 2) / (image.length + 2));
  return { body: Buffer.from(`{"inputs": [${new Array(batch).fill(image).join(', ')}]}`), batch };
}

export const FLOOD_PATHS = { detector: `/v1/models/${DET.name}:predict`, ones: '/v1/models/half_plus_two:predict' } as const;

if (process.argv[1]?.endsWith('flood-client.ts')) {
  const [url, kind] = process.argv.slice(2) as [string, keyof typeof FLOOD_PATHS];
  const body = kind === 'ones' ? onesBody() : detectorBody().body;
  const path = FLOOD_PATHS[kind] ?? FLOOD_PATHS.detector;
  if (body.length > MAX_BODY_BYTES) throw new Error(`body of ${body.length} bytes is over the default limit`);
  const client = new KeepAliveClient(url!);
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'go' && !running) {
      running = true;
      const ms: number[] = [];
      loop = (async () => {
        let first = true;
        while (running) {
          const t0 = performance.now();
          const answer = client.ok(path, body);
          if (first) say({ event: 'flooding', bodyBytes: body.length });
          first = false;
          await answer;
          ms.push(performance.now() - t0);
        }
        say({ event: 'idle', ms });
      })().catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
    } else if (line === 'stop') {
      running = false;
    }
  }).on('close', () => {
    running = false;
    void loop.then(() => {
      client.close();
      process.exit(0);
    });
  });
}
