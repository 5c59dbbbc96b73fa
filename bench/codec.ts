// (a) The JSON codec: parse + convert a predict body into a Float32Array tensor, against JSON.parse
// alone on the same text: a 32×784 row body (benchCodec) and a 1×3×320×320 columnar image body
// (benchColumnarParse). Both parse as dispatch parses predict bodies, with NumberRun nodes.
import { predictInputsFromJson } from '../functions/codec/predict-request.ts';
import { parseJson } from '../functions/util/json/parse.ts';
import type { JsonObject } from '../functions/util/json/value.ts';
import type { TensorSpec } from '../functions/tensor/tensor-spec.ts';
import { mnistSamples, prng } from '../test/fixtures/example-models.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

const IMAGE: TensorSpec = { name: 'image', dtype: 'float32', runtimeType: 'float32', dims: ['batch', 784] };
const PIXELS: TensorSpec = { name: 'pixels', dtype: 'float32', runtimeType: 'float32', dims: [1, 3, 320, 320] };

const parsePredictBody = (text: string) => parseJson(text, undefined, { numberRuns: true }) as JsonObject;

export async function benchCodec() {
  const body = pythonStyleRows(mnistSamples(32).images);
  let sink = 0;
  const { a: ours, b: native } = await interleave(
    () => {
      const doc = parsePredictBody(body);
      sink += predictInputsFromJson(doc, [IMAGE], body.length).feeds.get('image')!.dims[0]!;
    },
    () => {
      sink += (JSON.parse(body) as { instances: unknown[] }).instances.length;
    },
    300,
  );
  if (sink !== 64 * 360) throw new Error('codec benchmark lost its inputs');
  return { bodyBytes: body.length, oursUs: median(ours), jsonParseUs: median(native) };
}


/**
 * `{"inputs": [[[[…320]…320]…3]]}` of float32 pixel values in [0, 1), printed as numpy prints
 * float32 (shortest round-trip, ~9 significant digits: `0.48291016`, `0.1234567`), with Python's
 * `, ` separators and `.0` on whole numbers. Built through a Buffer so the text is flat, as a
 * decoded request body is.
 */
export function columnarImageBody(seed = 1): string {
  const next = prng(seed);
  const fmt = (v: number) => {
    const f = Math.fround(v);
    let s = f.toPrecision(9).replace(/0+$/, '').replace(/\.$/, '.0');
    // toPrecision pads: keep the shortest text that still reads back as the same float32.
    for (let p = 1; p < 9; p++) {
      const shorter = f.toPrecision(p);
      if (Math.fround(Number(shorter)) === f) {
        s = String(Number(shorter));
        break;
      }
    }
    return /[.e]/.test(s) ? s : `${s}.0`;
  };
  const row = () => `[${Array.from({ length: 320 }, () => fmt(next())).join(', ')}]`;
  const plane = () => `[${Array.from({ length: 320 }, row).join(', ')}]`;
  const text = `{"inputs": [[${Array.from({ length: 3 }, plane).join(', ')}]]}`;
  return Buffer.from(text, 'utf8').toString('utf8');
}

export async function benchColumnarParse(): Promise<{ bodyBytes: number; oursMs: number; jsonParseMs: number }> {
  const body = columnarImageBody();
  let sink = 0;
  const { a: ours, b: native } = await interleave(
    () => {
      const doc = parsePredictBody(body);
      sink += predictInputsFromJson(doc, [PIXELS], body.length).feeds.get('pixels')!.dims[3]!;
    },
    () => {
      sink += (JSON.parse(body) as { inputs: unknown[] }).inputs.length;
    },
    40,
  );
  if (sink !== 48 * 321) throw new Error('columnar benchmark lost its inputs');
  return { bodyBytes: body.length, oursMs: median(ours) / 1000, jsonParseMs: median(native) / 1000 };
}
