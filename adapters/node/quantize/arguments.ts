// `edgeserve quantize`'s command line, parsed without side effects. Flags use dashes, as
// onnxruntime's own quantization scripts and most model tools do (the server's flags keep TF
// Serving's underscores); booleans take --flag, --flag=true|false.
import type { QuantizeMode } from './report.ts';
import type { QuantizeRequest } from './quantize.ts';

export type QuantizeCommand =
  | { readonly kind: 'run'; readonly request: QuantizeRequest; readonly output?: string; readonly push?: string; readonly json: boolean }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const QUANTIZE_USAGE = `Usage: edgeserve quantize IN.onnx [OUT.onnx] (--int8 | --fp16 | --int8-static) [options]

Post-training quantization in onnxruntime's forms, checked before anything is written: the result
must load in onnxruntime-node and onnxruntime-web, and it is measured against IN on sample
requests (--eval, else --calibration, else IN's assets.extra/warmup.json), in both.

Modes (one):
  --int8                  dynamic: MatMul, Gemm and Conv weights to int8/uint8, activations
                          quantized at run time (DynamicQuantizeLinear + MatMulInteger/ConvInteger)
  --fp16                  weights and activations to float16, ops without float16 support kept float32
  --int8-static           QDQ (QuantizeLinear/DequantizeLinear) with activation ranges calibrated
                          on --calibration FILE

Options:
  --calibration FILE      predict request bodies, one JSON object a line (or a JSON array)
  --eval FILE             held-out predict requests (same format) to measure the error on, instead
                          of the calibration (or warmup) requests
  --calibrate METHOD      int8-static range: minmax (default) or percentile[=99.99]
  --per-channel[=BOOL]    int8 modes: one weight scale per output channel (default false)
  --reduce-range[=BOOL]   int8 modes: 7-bit weights, for CPUs whose u8×s8 products saturate (default false)
  --keep-io-types[=BOOL]  fp16: inputs and outputs stay float32, casts at the edges (default true)
  --push REPO/MODEL       publish as the model's next version in REPO (a folder or s3://bucket/prefix),
                          with quantize-report.json and manifest.json beside model.onnx
  --json                  print the report as JSON instead of text
  -h, --help              this text

Exit status: 0 written, 1 the model was refused or quantization failed (nothing written), 2 usage.`;

const MODES: readonly QuantizeMode[] = ['int8', 'fp16', 'int8-static'];
const BOOLEANS = new Set(['per-channel', 'reduce-range', 'keep-io-types', 'json']);
const VALUED = new Set(['calibration', 'calibrate', 'eval', 'push']);

export function parseQuantizeArguments(argv: readonly string[]): QuantizeCommand {
  if (argv.includes('-h') || argv.includes('--help')) return { kind: 'help' };
  const error = (message: string): QuantizeCommand => ({ kind: 'error', message });
  const positionals: string[] = [];
  const modes: QuantizeMode[] = [];
  const booleans = new Map<string, boolean>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') return error(`unknown flag ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if ((MODES as readonly string[]).includes(name)) {
      if (inline !== undefined) return error(`--${name} takes no value`);
      modes.push(name as QuantizeMode);
    } else if (BOOLEANS.has(name)) {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') return error(`--${name} is true or false, not "${inline}"`);
      booleans.set(name, inline !== 'false');
    } else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) return error(`--${name} needs a value`);
      values.set(name, value);
    } else {
      return error(`unknown flag --${name}`);
    }
  }
  if (modes.length !== 1) return error(modes.length === 0 ? 'give one of --int8, --fp16, --int8-static' : `give one mode, not ${modes.map((m) => `--${m}`).join(' and ')}`);
  const mode = modes[0]!;
  const push = values.get('push');
  if (positionals.length === 0) return error('quantize needs an input model: edgeserve quantize IN.onnx OUT.onnx --int8');
  if (positionals.length > 2) return error(`too many arguments: ${positionals.slice(2).join(' ')}`);
  if (positionals.length === 1 && push === undefined) return error('quantize needs an output file or --push REPO/MODEL');
  if (push !== undefined && !/^.+\/[^/]+$/.test(push.replace(/\/+$/, ''))) return error(`--push ${push}: expected REPO/MODEL (a repository folder and a model name)`);
  const calibration = values.get('calibration');
  if (mode === 'int8-static' && calibration === undefined) return error('--int8-static needs --calibration FILE (predict requests to measure activation ranges on)');
  const percentile = parseCalibrate(values.get('calibrate'));
  if (typeof percentile === 'string') return error(percentile);
  if (values.has('calibrate') && mode !== 'int8-static') return error('--calibrate applies to --int8-static only');
  if (booleans.has('keep-io-types') && mode !== 'fp16') return error('--keep-io-types applies to --fp16 only');
  if (mode === 'fp16' && (booleans.has('per-channel') || booleans.has('reduce-range'))) return error('--per-channel and --reduce-range apply to the int8 modes only');
  return {
    kind: 'run',
    request: {
      input: positionals[0]!,
      mode,
      perChannel: booleans.get('per-channel') ?? false,
      reduceRange: booleans.get('reduce-range') ?? false,
      keepIoTypes: booleans.get('keep-io-types') ?? true,
      calibration,
      eval: values.get('eval'),
      percentile: percentile ?? undefined,
    },
    output: positionals[1],
    push: push?.replace(/\/+$/, ''),
    json: booleans.get('json') ?? false,
  };
}

/** null for min-max, a percentile in (50, 100], or an error message. */
function parseCalibrate(value: string | undefined): number | null | string {
  if (value === undefined || value === 'minmax') return null;
  const m = /^percentile(?:=(\d+(?:\.\d+)?))?$/.exec(value);
  if (!m) return `--calibrate ${value}: expected minmax or percentile[=P]`;
  const p = m[1] === undefined ? 99.99 : Number(m[1]);
  if (!(p > 50 && p <= 100)) return `--calibrate ${value}: the percentile must be above 50 and at most 100`;
  return p;
}
