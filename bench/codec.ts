// (a) The JSON codec: parse + convert a 32×784 float predict body into a Float32Array tensor,
// against JSON.parse alone on the same text.
import { predictInputsFromJson } from '../functions/codec/predict-request.ts';
import { parseJson } from '../functions/util/json/parse.ts';
import type { TensorSpec } from '../functions/tensor/tensor-spec.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

const IMAGE: TensorSpec = { name: 'image', dtype: 'float32', runtimeType: 'float32', dims: ['batch', 784] };

export async function benchCodec() {
  const body = pythonStyleRows(mnistSamples(32).images);
  let sink = 0;
  const { a: ours, b: native } = await interleave(
    () => {
      const doc = parseJson(body) as Map<string, never>;
      sink += predictInputsFromJson(doc, [IMAGE]).feeds.get('image')!.dims[0]!;
    },
    () => {
      sink += (JSON.parse(body) as { instances: unknown[] }).instances.length;
    },
    300,
  );
  if (sink !== 64 * 360) throw new Error('codec benchmark lost its inputs');
  return { bodyBytes: body.length, oursUs: median(ours), jsonParseUs: median(native) };
}
