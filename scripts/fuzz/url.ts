// URL mutators over TF Serving's grammar:
//   /v1/models/{m}[/versions/{v}|/labels/{l}][:predict|:classify|:regress|/metadata]
// with percent-encodings, huge numbers, unicode, `..`, empty segments, case changes, query
// strings, and the methods libevent knows (plus a few it does not, and CONNECT, which must be
// answered like any other, not dropped).
import { MODELS, urlOf, utf8, VALID_REQUESTS, type FuzzCase } from './cases.ts';
import type { Random } from './random.ts';

const METHODS = ['GET', 'POST', 'GET', 'POST', 'GET', 'POST', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'PURGE', 'TRACE', 'CONNECT'];
const VERBS = [':predict', ':predict', ':predict', ':classify', ':regress', '/metadata', '/metadata', '', '', ':PREDICT', ':Predict', ':predict:predict', ':explain', '/METADATA', ':', '/metadata/', ':predict/'];
const OTHER_PATHS = [
  '/', '/v1', '/v1/', '/v1/models', '/v1/models/', '/V1/MODELS/half_plus_two', '/v2/models/half_plus_two', '/monitoring/prometheus/metrics',
  '/monitoring/prometheus/metrics?x=1', '/edgeserve/routing', '/edgeserve/routing/half_plus_two', '/edgeserve/ready', '/edgeserve/live',
  '*', '/v1/models/half_plus_two#frag', '/%76%31/models/half_plus_two',
];

/** The model's own name half of the time, so that what follows it is reached too. */
function name(r: Random, model: string): string {
  if (r.chance(0.5)) return model;
  switch (r.int(0, 11)) {
    case 0: return r.pick(MODELS).toUpperCase();
    case 1: return encodeAll(r.pick(MODELS));
    case 2: return r.pick(['..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', '..%2f..%2fetc%2fpasswd', '%00', '%ff%fe', '%zz', '%', '%2', '%25', '%2F']);
    case 3: return r.pick(['', '%20', '+', '~', 'a'.repeat(r.size(12_000)), 'x'.repeat(300)]);
    case 4: return encodeURIComponent(r.pick(['模型', 'mödel', '😀', '\u202e', 'a\u0000b', '\ud800'.replace('\ud800', '\u00ff')]));
    case 5: return r.pick(['é', 'ÿ', '\u00a0']); // latin-1, sent as raw bytes
    case 6: return `${r.pick(MODELS)}${r.pick(['%3Apredict', '%2Fversions%2F1', ';x', '.onnx', '/', '//'])}`;
    case 7: return r.ascii(r.int(1, 40)).replace(/[/:?#%]/g, '_');
    default: return r.pick(MODELS);
  }
}

function version(r: Random): string {
  return r.pick([
    '1', '2', '3', '0', '00', '0002', '-1', '+1', '1.0', '1e3', 'x', '', '%31', '9007199254740993', '9223372036854775807',
    '9223372036854775808', '18446744073709551616', '9'.repeat(r.int(20, 400)), '0'.repeat(r.int(20, 400)) + '1', '%D9%A1', '%31%32',
  ]);
}

function label(r: Random): string {
  return r.pick(['stable', 'STABLE', 'nolabel', '', '%73table', 'stable%00', 'a'.repeat(r.size(5000)), '..', '%2e%2e', encodeURIComponent('étiquette')]);
}

function query(r: Random): string {
  return r.pick(['', '', '', '?', '?a=b', '?version=2', '?%zz', '?' + 'q'.repeat(r.size(4000)), '?x=:predict', '??', '?#']);
}

/** A path from the grammar with every part chosen, or one of the paths around it. */
function grammarPath(r: Random, model: string): string {
  if (r.chance(0.1)) return r.pick(OTHER_PATHS) + query(r);
  const prefix = r.chance(0.7) ? '/v1/models/' : r.pick(['/V1/Models/', '/v1//models/', '/v1/models//', '/v1/./models/', '/v1/models/../models/', '/v1/models/%2e%2e/']);
  let path = prefix + name(r, model);
  const selector = r.int(0, 5);
  if (selector === 1 || selector === 2) path += `${r.pick(['/versions/', '/VERSIONS/', '/versions//', '/version/'])}${version(r)}`;
  else if (selector === 3) path += `${r.pick(['/labels/', '/LABELS/', '/labels//'])}${label(r)}`;
  else if (selector === 4) path += `/versions/${version(r)}/labels/${label(r)}`;
  path += r.pick(VERBS);
  if (r.chance(0.1)) path += '/'.repeat(r.int(1, 3));
  if (r.chance(0.05)) path = path.replace(/\//g, '//');
  if (r.chance(0.05)) path = swapCase(r, path);
  return path + query(r);
}

export function urlCase(r: Random): FuzzCase {
  const method = r.pick(METHODS);
  const valid = r.pick(VALID_REQUESTS);
  const path = grammarPath(r, valid.model);
  // A POST carries a body the right URL would accept, so what differs is only the URL.
  const body = method === 'GET' || method === 'HEAD' ? (r.chance(0.1) ? utf8('{}') : undefined) : utf8(JSON.stringify(valid.body));
  if (r.chance(0.02)) return { method: 'POST', path: urlOf(valid) + query(r), headers: {}, body };
  return { method, path, headers: {}, body };
}

function encodeAll(text: string): string {
  return [...utf8(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

function swapCase(r: Random, text: string): string {
  // ASCII only: `ÿ` upper-cased is `Ÿ` (U+0178), which no HTTP client sends raw.
  return [...text].map((c) => (!/[a-z]/i.test(c) ? c : r.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
}
