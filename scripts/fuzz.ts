// The fuzz and abuse suite: `npx tsx scripts/fuzz.ts [--count N] [--seconds S]
// [--family url|body|header|gzip|v2|all] [--seed N]`. Starts a real edgeserve Node server on
// 127.0.0.1, sends mutated requests to it, prints the table, and exits 1 on any undesigned 5xx,
// hang, dropped connection, stack trace or leaked path (docs/fuzzing.md). `--replay FAMILY:INDEX`
// prints one case in full instead, to reproduce an offender.
import { parseArgs } from 'node:util';
import { renderOffenders, renderTable } from './fuzz/report.ts';
import { DEFAULT_FUZZ_OPTIONS, FAMILIES, fuzzCase, runFuzz, type Family } from './fuzz/run.ts';

const USAGE = 'usage: npx tsx scripts/fuzz.ts [--count N] [--seconds S] [--family url|body|header|gzip|v2|all] [--seed N] [--timeout-ms N] [--connections N] [--max-body-bytes N] [--replay FAMILY:INDEX]';

function fail(message: string): never {
  console.error(`fuzz: ${message}\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, not ${text}`);
  return n;
}

function familiesOf(values: string[] | undefined): Family[] {
  if (values === undefined) return [...FAMILIES];
  const names = values.flatMap((v) => v.split(','));
  if (names.includes('all')) return [...FAMILIES];
  for (const n of names) if (!(FAMILIES as readonly string[]).includes(n)) fail(`unknown family ${n}`);
  return names as Family[];
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        count: { type: 'string' }, seconds: { type: 'string' }, family: { type: 'string', multiple: true }, seed: { type: 'string' },
        'timeout-ms': { type: 'string' }, connections: { type: 'string' }, 'max-body-bytes': { type: 'string' }, replay: { type: 'string' }, help: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
  if (args.help) return print(USAGE, 0);
  const seed = positive('seed', args.seed, DEFAULT_FUZZ_OPTIONS.seed, 0);
  const maxBodyBytes = positive('max-body-bytes', args['max-body-bytes'], DEFAULT_FUZZ_OPTIONS.maxBodyBytes);
  if (args.replay !== undefined) {
    const [family, index] = args.replay.split(':');
    const [which] = familiesOf([family ?? '']);
    const c = fuzzCase(seed, which!, positive('replay index', index, 0, 0), maxBodyBytes);
    return print(JSON.stringify({ method: c.method, path: c.path, headers: c.headers, body_base64: c.body ? Buffer.from(c.body).toString('base64') : null }), 0);
  }
  const result = await runFuzz({
    seed, maxBodyBytes,
    count: positive('count', args.count, DEFAULT_FUZZ_OPTIONS.count),
    seconds: positive('seconds', args.seconds, DEFAULT_FUZZ_OPTIONS.seconds),
    families: familiesOf(args.family),
    requestTimeoutMs: positive('timeout-ms', args['timeout-ms'], DEFAULT_FUZZ_OPTIONS.requestTimeoutMs),
    connections: positive('connections', args.connections, DEFAULT_FUZZ_OPTIONS.connections),
  });
  const table = renderTable(result);
  if (result.offenders === 0) return print(`${table}\n\nno offenders`, 0);
  return print(`${table}\n\n${result.offenders} offending requests\n${renderOffenders(result)}`, 1);
}

/** Exits once stdout has taken the text: a pipe is written asynchronously, and exit would cut it. */
function print(text: string, code: number): Promise<number> {
  return new Promise((resolve) => process.stdout.write(`${text}\n`, () => resolve(code)));
}

process.exit(await main());
