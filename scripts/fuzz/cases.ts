// What a fuzz case is, and the valid requests the mutators start from: one or more predict bodies
// for every example model, in both of TF Serving's formats, plus classify/regress examples.

export interface FuzzCase {
  readonly method: string;
  /** The raw request target, sent as is (percent-encodings and all). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

/** One request that the server answers with 200 (or the designed 501 for classify/regress). */
export interface ValidRequest {
  readonly model: string;
  readonly verb: 'predict' | 'classify' | 'regress';
  readonly body: unknown;
}

export const MODELS = ['half_plus_two', 'two_io', 'all_dtypes', 'mnist', 'mnist_fp16', 'mnist_int8'] as const;

const pixels = (seed: number) => Array.from({ length: 784 }, (_, i) => ((i * 37 + seed * 11) % 256) / 255);

const allDtypes = {
  f32: [1.5], f64: [2.25], f16: [0.5], i8: [-8], i16: [-16], i32: [-32], i64: [-64],
  u8: [8], u16: [16], u32: [32], u64: [64], b: [true], s: ['text'],
};

export const VALID_REQUESTS: readonly ValidRequest[] = [
  { model: 'half_plus_two', verb: 'predict', body: { instances: [1.0, 2.0, 5.0] } },
  { model: 'half_plus_two', verb: 'predict', body: { inputs: [1, 2, 3, 4] } },
  { model: 'half_plus_two', verb: 'predict', body: { signature_name: 'serving_default', instances: [-1.5] } },
  { model: 'half_plus_two', verb: 'predict', body: { inputs: { x: [0.25, 1e10] } } },
  { model: 'two_io', verb: 'predict', body: { instances: [{ a: [1.0, 2.0], b: 3 }, { a: [0, -1], b: -4 }] } },
  { model: 'two_io', verb: 'predict', body: { inputs: { a: [[1.0, 2.0]], b: [3] } } },
  { model: 'all_dtypes', verb: 'predict', body: { inputs: allDtypes } },
  { model: 'all_dtypes', verb: 'predict', body: { inputs: { ...allDtypes, s: [{ b64: 'aGVsbG8=' }], i64: [-9007199254740991], u8: [255] } } },
  { model: 'mnist', verb: 'predict', body: { instances: [pixels(1), pixels(2)] } },
  { model: 'mnist', verb: 'predict', body: { inputs: { image: [pixels(3)] }, user_id: 'u-17' } },
  { model: 'mnist_fp16', verb: 'predict', body: { instances: [pixels(4)] } },
  { model: 'mnist_int8', verb: 'predict', body: { instances: [pixels(5)] } },
  { model: 'half_plus_two', verb: 'classify', body: { examples: [{ x: [1.0] }] } },
  { model: 'half_plus_two', verb: 'regress', body: { signature_name: 'serving_default', context: { y: ['a'] }, examples: [{ x: 2.0 }] } },
];

/**
 * The fuzz server's config over the example repository: its own models, and routing on two of
 * them so that the routing headers (sticky key, override) and the sticky body field reach code.
 */
export const FUZZ_CONFIG = JSON.stringify({
  models: [
    {
      name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 2 },
      routing: {
        arms: [{ name: 'one', version: 1, weight: 30 }, { name: 'two', label: 'stable', weight: 70 }],
        sticky: { header: 'x-user-id' },
        override: { header: 'x-edgeserve-arm' },
        shadow: { arm: 'one', sample: 0.2 },
      },
    },
    { name: 'two_io' },
    { name: 'all_dtypes' },
    { name: 'mnist', routing: { arms: [{ name: 'a', version: 1, weight: 1 }, { name: 'b', version: 1, weight: 1 }], sticky: { field: 'user_id' } } },
    { name: 'mnist_fp16' },
    { name: 'mnist_int8' },
  ],
});

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export function urlOf(request: ValidRequest): string {
  return `/v1/models/${request.model}:${request.verb}`;
}
