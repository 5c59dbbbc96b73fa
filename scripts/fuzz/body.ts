// Body mutators: a valid predict (or classify/regress) body of an example model, mutated as text
// (truncation, byte flips, duplicate keys, bare tokens) or as a value (deep nesting, huge numbers,
// wrong types, ragged lists, b64 objects, very long strings). Every body is at most 1,000,000 bytes (under 1 MiB).
import { urlOf, utf8, VALID_REQUESTS, type FuzzCase } from './cases.ts';
import type { Random } from './random.ts';

export const MAX_BODY_BYTES = 1_000_000;

const NUMBERS = [
  '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '9223372036854775807', '9223372036854775808', '-9223372036854775809',
  '18446744073709551616', '1.7976931348623157e309', '4.9e-325', '-0', '0.0000000000000000000000000001', '1' + '0'.repeat(5000), '0x10',
  '01', '.5', '5.', '1e', '--1', '+1', '1_000', '१',
];
const TOKENS = ['NaN', 'Infinity', '-Infinity', 'nan', 'inf', '-NaN', '+Infinity', 'NAN', 'Infinit', 'null', 'true', 'undefined'];
const WRONG = [null, true, false, 'text', '', {}, [], [[]], { b64: 'AA==' }, 0, -1, [null], { a: 1 }, 'NaN'];

export function bodyCase(r: Random): FuzzCase {
  const valid = r.pick(VALID_REQUESTS);
  let path = urlOf(valid);
  if (valid.model === 'half_plus_two' && r.chance(0.15)) path = path.replace('half_plus_two', r.pick(['half_plus_two/versions/1', 'half_plus_two/labels/stable']));
  const body = mutate(r, valid.body);
  return { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: body.length > MAX_BODY_BYTES ? body.subarray(0, MAX_BODY_BYTES) : body };
}

export function mutate(r: Random, value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  switch (r.int(0, 13)) {
    case 0: return utf8(text.slice(0, r.int(0, text.length - 1)));
    case 1: return flipBytes(r, utf8(text));
    case 2: return utf8(nest(r, text));
    case 3: return utf8(replaceNumber(r, text, r.pick(NUMBERS)));
    case 4: return utf8(replaceNumber(r, text, r.pick(TOKENS)));
    case 5: return utf8(JSON.stringify(replaceValue(r, value, () => r.pick(WRONG))));
    case 6: return utf8(JSON.stringify(ragged(r, value)));
    case 7: return utf8(duplicateKeys(r, text));
    case 8: return utf8(JSON.stringify(replaceValue(r, value, () => b64(r))));
    case 9: return utf8(JSON.stringify(replaceValue(r, value, () => 'x'.repeat(r.size(900_000)))));
    case 10: return utf8(JSON.stringify(big(r, value)));
    case 11: return utf8(text.replace(/"([a-z_]+)":/, (_, k: string) => `"${r.pick([k.toUpperCase(), `${k} `, '', '\\u0000', 'x'.repeat(r.size(100_000)), '__proto__', 'constructor'])}":`));
    case 12: return utf8(unicode(r, text));
    default: return utf8(r.pick(['', ' ', '\n\t ', '[]', '{}', 'null', '"instances"', '{"instances":}', '{"instances": [1.0]} trailing', '\ufeff{"instances":[1]}', '{"instances":[1]}\u0000', `{"instances":[${'1,'.repeat(r.size(400_000))}1]}`]));
  }
}

function flipBytes(r: Random, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = r.int(1, 8); i > 0 && out.length > 0; i--) out[r.int(0, out.length - 1)] = r.int(0, 255);
  return out;
}

/** `[[[[…]]]]` or `{"a":{"a":…}}` around the body or one of its values, up to what fits in 1 MB. */
function nest(r: Random, text: string): string {
  const depth = r.size(400_000);
  const [open, close] = r.pick([['[', ']'], ['{"a":', '}'], ['{"instances":', '}'], ['[{"b64":', '}]']]);
  const inner = r.pick([text, '1', '[]', '{}', '"s"']);
  const nested = open!.repeat(depth) + inner + (r.chance(0.2) ? '' : close!.repeat(depth));
  if (r.chance(0.5)) return nested.slice(0, MAX_BODY_BYTES);
  return `{"instances": ${nested}}`.slice(0, MAX_BODY_BYTES);
}

function replaceNumber(r: Random, text: string, by: string): string {
  const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
  if (numbers.length === 0) return `${text.slice(0, -1)},"n":${by}}`;
  let out = text;
  for (const m of [...numbers].sort(() => r.next() - 0.5).slice(0, r.int(1, 3)).sort((a, b) => b.index! - a.index!)) {
    out = out.slice(0, m.index!) + by + out.slice(m.index! + m[0].length);
  }
  return out;
}

/** A copy of the value with one leaf (or one list/object) somewhere inside replaced. */
function replaceValue(r: Random, value: unknown, by: () => unknown): unknown {
  if (r.chance(0.15)) return by();
  if (Array.isArray(value) && value.length > 0) {
    const i = r.int(0, value.length - 1);
    return value.map((v, j) => (j === i ? replaceValue(r, v, by) : v));
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const k = r.pick(keys);
    return Object.fromEntries(keys.map((key) => [key, key === k ? replaceValue(r, (value as Record<string, unknown>)[key], by) : (value as Record<string, unknown>)[key]]));
  }
  return by();
}

/** One list somewhere grows or shrinks, or gains a nested list, so rows no longer agree. */
function ragged(r: Random, value: unknown): unknown {
  return replaceValue(r, value, () => {
    const n = r.size(200_000);
    return r.pick([Array(n).fill(1), [1, [1, 2]], [[1], [1, 2, 3]], [[0, ...Array(n).fill(0)], 1, 1], [[], [1]], Array(Math.min(n, 5000)).fill([1.5])]);
  });
}

function duplicateKeys(r: Random, text: string): string {
  const m = /"([^"]+)":/.exec(text);
  if (!m) return text;
  const again = r.pick(['[1.0]', '"x"', '{}', text]);
  return text.slice(0, m.index) + `"${m[1]}":${again},` + text.slice(m.index);
}

function b64(r: Random): unknown {
  const n = r.size(600_000);
  return r.pick([
    { b64: 'aGVsbG8=' }, { b64: '' }, { b64: '!!!!' }, { b64: 'A' }, { b64: '-_8=' }, { b64: 'A'.repeat(n) }, { b64: 7 }, { b64: null },
    { b64: 'aGVsbG8=', extra: 1 }, { B64: 'aGVsbG8=' }, { b64: '/w==' }, [{ b64: 'gA==' }, { b64: 'wyg=' }], { b64: ['aGVsbG8='] },
  ]);
}

/** The value with its first list made long (a valid body near the 1 MB cap, or a little over). */
function big(r: Random, value: unknown): unknown {
  const n = r.size(120_000); // at most 7 characters each: under 1 MB
  return replaceValue(r, value, () => Array.from({ length: n }, (_, i) => (r.chance(0.5) ? i % 1000 : (i % 1000) / 8)));
}

function unicode(r: Random, text: string): string {
  const bad = r.pick(['\\ud800', '\\udfff', '\\u0000', '\ud83d\ude00', '\\uZZZZ', '\\u12', '\u2028', '\\', '"', '\\x41', '\u00e9'.repeat(r.size(100_000))]);
  const at = r.int(0, text.length);
  return r.chance(0.5) ? text.slice(0, at) + bad + text.slice(at) : text.replace(/"[a-z]+"/, `"${bad}"`);
}
