// TF Serving's two REST URL regexes (model_servers/http_rest_api_util.cc), applied like RE2's
// FullMatch to the raw `path?query`: the query is part of what must match, names and labels are
// percent-decoded afterwards, and the verb is compared case-sensitively although the regex is not.
import type { VersionSelector } from '../serving/servable-request.ts';
import { decodeName } from '../http/names.ts';
import { invalidArgument, ServingError } from '../util/status.ts';

const PREDICT_URL =
  /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?:(classify|regress|predict)$/i;
const STATUS_URL = /^\/v1\/models(?:\/([^/:]+))?(?:\/versions\/(\d+)|\/labels\/([^/:]+))?(?:\/(metadata))?$/i;
const INT64_MAX = 2n ** 63n - 1n;

export type RestCall =
  | { readonly api: 'list'; readonly model: ''; readonly selector: VersionSelector }
  | { readonly api: 'status' | 'metadata'; readonly model: string; readonly selector: VersionSelector }
  | { readonly api: 'predict' | 'classify' | 'regress'; readonly model: string; readonly selector: VersionSelector };

/** Matches `(?i)/v1/.*`: the prefix of everything TF Serving's REST handler answers. */
export function isRestPath(pathAndQuery: string): boolean {
  return pathAndQuery.length >= 4 && pathAndQuery.slice(0, 4).toLowerCase() === '/v1/';
}

/** Resolves a method and raw `path?query` to an API call, or throws TF Serving's 400. */
export function parseRestCall(method: string, pathAndQuery: string): RestCall {
  if (method === 'POST') {
    const m = PREDICT_URL.exec(pathAndQuery);
    const api = m?.[4];
    if (m && (api === 'predict' || api === 'classify' || api === 'regress')) {
      return { api, model: decodeName(m[1]!), selector: selector(m[2], m[3]) };
    }
  } else if (method === 'GET') {
    const m = STATUS_URL.exec(pathAndQuery);
    if (m) {
      if (m[1] === undefined) {
        // GET /v1/models alone lists the models: edgeserve's extension (tensorflow/serving#795).
        if (pathAndQuery.length === '/v1/models'.length && m[2] === undefined && m[3] === undefined && m[4] === undefined) {
          return { api: 'list', model: '', selector: { kind: 'latest' } };
        }
        throw invalidArgument('Missing model name in request.');
      }
      const api = m[4] === 'metadata' ? 'metadata' : 'status';
      return { api, model: decodeName(m[1]), selector: selector(m[2], m[3]) };
    }
  }
  throw malformed(method, pathAndQuery);
}

export function malformed(method: string, pathAndQuery: string): ServingError {
  return invalidArgument(`Malformed request: ${method} ${pathAndQuery}`);
}

function selector(version: string | undefined, label: string | undefined): VersionSelector {
  if (version !== undefined) {
    const v = BigInt(version);
    if (v > INT64_MAX) throw invalidArgument(`Failed to convert version: ${version} to numeric.`);
    // Exact above 2^53 too: Number() would turn 9007199254740993 into another version.
    return { kind: 'version', version: v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v };
  }
  if (label !== undefined) return { kind: 'label', label: decodeName(label) };
  return { kind: 'latest' };
}
