// parseRestCall / isRestPath / decodeName against contract §1.2 (TF Serving's two URL regexes,
// applied like RE2::FullMatch to the raw `path?query`) and §2.3's routing messages.
import { describe, expect, it } from 'vitest';
import { ServingError } from '../../functions/util/status.ts';
import { decodeName } from '../../functions/http/names.ts';
import { isRestPath, parseRestCall } from '../../functions/rest/url-grammar.ts';

function rejection(method: string, path: string): ServingError {
  try {
    parseRestCall(method, path);
  } catch (e) {
    if (e instanceof ServingError) return e;
    throw e;
  }
  throw new Error(`${method} ${path} was accepted`);
}

function expectMalformed(method: string, path: string): void {
  const e = rejection(method, path);
  expect(e.code).toBe('INVALID_ARGUMENT');
  expect(e.httpStatus).toBe(400);
  expect(e.message).toBe(`Malformed request: ${method} ${path}`);
}

describe('parseRestCall: malformed requests', () => {
  // http_rest_api_handler_test.cc UnsupportedApiCalls, the full list of contract §1.2 rule 1.
  it.each([
    ['GET', '/v1/foo'],
    ['POST', '/v1/foo'],
    ['POST', '/v1/models'],
    ['GET', '/v1/models/foo:predict'],
    ['GET', '/v1/models/foo/version/50:predict'],
    ['POST', '/v1/models/foo/version/50:regress'],
    ['POST', '/v1/models/foo/versions/HELLO:regress'],
    ['POST', '/v1/models/foo/metadata'],
    ['POST', '/v1/models/foo/label/some_label:regress'],
    ['POST', '/v1/models/foo/versions/50/labels/some_label:regress'],
    ['GET', '/v1/models/debug/model_name'],
  ])('upstream example %s %s', (method, path) => {
    expectMalformed(method, path);
  });

  it.each(['PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'post'])(
    'method %s matches neither regex, even on a valid path',
    (method) => {
      expectMalformed(method, '/v1/models/m');
      expectMalformed(method, '/v1/models/m:predict');
    },
  );

  it('a version and a label together cannot match (the regex alternation forbids it)', () => {
    expectMalformed('GET', '/v1/models/m/versions/1/labels/l');
    expectMalformed('GET', '/v1/models/m/labels/l/versions/1');
    expectMalformed('POST', '/v1/models/m/labels/l/versions/1:predict');
  });

  it('versions are unsigned digit runs only', () => {
    for (const v of ['', '-1', '+1', '1.0', '1e3', '0x10', ' 1', '１']) {
      expectMalformed('GET', `/v1/models/m/versions/${v}`);
      expectMalformed('POST', `/v1/models/m/versions/${v}:predict`);
    }
  });

  it('names and labels exclude raw `/` and `:`', () => {
    expectMalformed('GET', '/v1/models/a:b');
    expectMalformed('POST', '/v1/models/a:b:predict');
    expectMalformed('GET', '/v1/models/m/labels/a:b');
    expectMalformed('POST', '/v1/models/m/labels/a/b:predict');
  });

  it('verbs other than classify, regress and predict are malformed', () => {
    for (const verb of ['', 'explain', 'generate', 'predict2', 'metadata']) {
      expectMalformed('POST', `/v1/models/m:${verb}`);
    }
  });

  it('only the exact /v1/models prefix matches', () => {
    expectMalformed('GET', '/v1/model/m');
    expectMalformed('GET', '/v1/modelsx/m');
    expectMalformed('GET', '/v2/models/m');
    expectMalformed('GET', '/v1//models/m');
    expectMalformed('POST', 'v1/models/m:predict');
  });
});

describe('parseRestCall: model name', () => {
  it('GET /v1/models alone is the model list (edgeserve extension); with a query it is malformed', () => {
    expect(parseRestCall('GET', '/v1/models')).toEqual({ api: 'list', model: '', selector: { kind: 'latest' } });
    expect(parseRestCall('GET', '/V1/Models')).toEqual({ api: 'list', model: '', selector: { kind: 'latest' } });
    const e = rejection('GET', '/v1/models?x=1');
    expect(e.message).toBe('Malformed request: GET /v1/models?x=1');
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.httpStatus).toBe(400);
  });

  it('an omitted name before /versions/ or /metadata also means a missing name', () => {
    // The optional name group is skipped when taking `versions` as the name cannot match the rest.
    expect(rejection('GET', '/v1/models/versions/3').message).toBe('Missing model name in request.');
    expect(rejection('GET', '/v1/models/labels/x/metadata').message).toBe('Missing model name in request.');
  });

  it('a lone `metadata` segment is a model name, not the metadata sub-resource', () => {
    expect(parseRestCall('GET', '/v1/models/metadata')).toEqual({
      api: 'status',
      model: 'metadata',
      selector: { kind: 'latest' },
    });
  });

  it('keeps the case of the model name', () => {
    expect(parseRestCall('GET', '/v1/models/MyModel').model).toBe('MyModel');
    expect(parseRestCall('POST', '/v1/models/MyModel:predict').model).toBe('MyModel');
  });
});

describe('parseRestCall: APIs and selectors', () => {
  it('routes status, metadata and the three POST verbs', () => {
    expect(parseRestCall('GET', '/v1/models/m')).toEqual({ api: 'status', model: 'm', selector: { kind: 'latest' } });
    expect(parseRestCall('GET', '/v1/models/m/metadata')).toEqual({
      api: 'metadata',
      model: 'm',
      selector: { kind: 'latest' },
    });
    for (const api of ['predict', 'classify', 'regress'] as const) {
      expect(parseRestCall('POST', `/v1/models/m:${api}`)).toEqual({ api, model: 'm', selector: { kind: 'latest' } });
    }
  });

  it('parses versions, leading zeros included', () => {
    expect(parseRestCall('GET', '/v1/models/m/versions/123').selector).toEqual({ kind: 'version', version: 123 });
    expect(parseRestCall('GET', '/v1/models/m/versions/007').selector).toEqual({ kind: 'version', version: 7 });
    expect(parseRestCall('GET', '/v1/models/m/versions/0').selector).toEqual({ kind: 'version', version: 0 });
    expect(parseRestCall('GET', '/v1/models/m/versions/00042/metadata')).toEqual({
      api: 'metadata',
      model: 'm',
      selector: { kind: 'version', version: 42 },
    });
    expect(parseRestCall('POST', '/v1/models/m/versions/0010:regress')).toEqual({
      api: 'regress',
      model: 'm',
      selector: { kind: 'version', version: 10 },
    });
  });

  it('accepts int64 max (with leading zeros too) and rejects one more', () => {
    expect(parseRestCall('GET', '/v1/models/m/versions/9223372036854775807').selector.kind).toBe('version');
    expect(parseRestCall('GET', '/v1/models/m/versions/0009223372036854775807').selector.kind).toBe('version');
    for (const digits of ['9223372036854775808', '18446744073709551615', '99999999999999999999999999']) {
      for (const [method, path] of [
        ['GET', `/v1/models/m/versions/${digits}`],
        ['GET', `/v1/models/m/versions/${digits}/metadata`],
        ['POST', `/v1/models/m/versions/${digits}:predict`],
      ] as const) {
        const e = rejection(method, path);
        expect(e.message).toBe(`Failed to convert version: ${digits} to numeric.`);
        expect(e.httpStatus).toBe(400);
      }
    }
  });

  it('parses labels for status, metadata and POST verbs', () => {
    expect(parseRestCall('GET', '/v1/models/m/labels/stable')).toEqual({
      api: 'status',
      model: 'm',
      selector: { kind: 'label', label: 'stable' },
    });
    expect(parseRestCall('GET', '/v1/models/m/labels/canary/metadata')).toEqual({
      api: 'metadata',
      model: 'm',
      selector: { kind: 'label', label: 'canary' },
    });
    expect(parseRestCall('POST', '/v1/models/m/labels/v-2.x_y:classify')).toEqual({
      api: 'classify',
      model: 'm',
      selector: { kind: 'label', label: 'v-2.x_y' },
    });
  });

  it('takes a digits-only label as a label', () => {
    expect(parseRestCall('GET', '/v1/models/m/labels/123').selector).toEqual({ kind: 'label', label: '123' });
  });
});

describe('parseRestCall: percent-decoding', () => {
  const encoded = 'modelname%21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D';
  const decoded = "modelname!#$%&'()*+,/:;=?@[]";

  it('decodes the upstream-tested model name on every route', () => {
    expect(parseRestCall('GET', `/v1/models/${encoded}`).model).toBe(decoded);
    expect(parseRestCall('GET', `/v1/models/${encoded}/metadata`).model).toBe(decoded);
    expect(parseRestCall('GET', `/v1/models/${encoded}/versions/3`).model).toBe(decoded);
    expect(parseRestCall('POST', `/v1/models/${encoded}:predict`).model).toBe(decoded);
    expect(parseRestCall('POST', `/v1/models/${encoded}/labels/l:regress`).model).toBe(decoded);
  });

  it('decodes labels', () => {
    expect(parseRestCall('GET', `/v1/models/m/labels/${encoded}`).selector).toEqual({ kind: 'label', label: decoded });
    expect(parseRestCall('POST', '/v1/models/m/labels/can%2Fary:predict').selector).toEqual({
      kind: 'label',
      label: 'can/ary',
    });
  });

  it('does not turn + into a space', () => {
    expect(parseRestCall('GET', '/v1/models/a+b').model).toBe('a+b');
    expect(parseRestCall('GET', '/v1/models/a%2Bb').model).toBe('a+b');
    expect(parseRestCall('GET', '/v1/models/a%20b').model).toBe('a b');
  });

  it('decodeName: %XX becomes the byte, anything else stays (curl_easy_unescape)', () => {
    expect(decodeName('plain')).toBe('plain');
    expect(decodeName('%41%62c')).toBe('Abc');
    expect(decodeName('%zz%4')).toBe('%zz%4');
    expect(decodeName('%%41')).toBe('%A');
    expect(decodeName('100%')).toBe('100%');
    expect(decodeName('%2f%2F')).toBe('//');
    expect(decodeName('a+b%2B')).toBe('a+b+');
  });

  it('decodeName: escaped bytes are UTF-8', () => {
    expect(decodeName('caf%C3%A9')).toBe('café');
    expect(decodeName('%F0%9F%98%80')).toBe('😀');
  });

  it('decodeName: raw non-ASCII characters next to escapes survive, astral ones included', () => {
    expect(decodeName('é%20ü')).toBe('é ü');
    expect(decodeName('%41😀%42')).toBe('A😀B');
    expect(decodeName('日本%2F語')).toBe('日本/語');
  });
});

describe('parseRestCall: case', () => {
  it('matches path literals case-insensitively', () => {
    expect(parseRestCall('POST', '/V1/MODELS/x/VERSIONS/1:predict')).toEqual({
      api: 'predict',
      model: 'x',
      selector: { kind: 'version', version: 1 },
    });
    expect(parseRestCall('GET', '/V1/Models/x/Labels/Prod')).toEqual({
      api: 'status',
      model: 'x',
      selector: { kind: 'label', label: 'Prod' },
    });
  });

  it('compares the verb case-sensitively', () => {
    expectMalformed('POST', '/v1/models/x:Predict');
    expectMalformed('POST', '/v1/models/x:PREDICT');
    expectMalformed('POST', '/V1/MODELS/x:CLASSIFY');
    expectMalformed('POST', '/v1/models/x:Regress');
  });

  it('serves METADATA in capitals as a status request', () => {
    expect(parseRestCall('GET', '/v1/models/x/METADATA')).toEqual({
      api: 'status',
      model: 'x',
      selector: { kind: 'latest' },
    });
    expect(parseRestCall('GET', '/v1/models/x/versions/2/Metadata')).toEqual({
      api: 'status',
      model: 'x',
      selector: { kind: 'version', version: 2 },
    });
  });
});

describe('parseRestCall: query strings and trailing slashes', () => {
  it('a query after a POST verb is malformed, and the message keeps it', () => {
    const e = rejection('POST', '/v1/models/m:predict?x=1');
    expect(e.message).toBe('Malformed request: POST /v1/models/m:predict?x=1');
  });

  it('a query after a GET model name becomes part of the name', () => {
    expect(parseRestCall('GET', '/v1/models/m?x=1')).toEqual({ api: 'status', model: 'm?x=1', selector: { kind: 'latest' } });
    expect(parseRestCall('GET', '/v1/models/m/labels/l?x=1').selector).toEqual({ kind: 'label', label: 'l?x=1' });
  });

  it('a query after /metadata or a version is malformed', () => {
    expectMalformed('GET', '/v1/models/m/metadata?x=1');
    expectMalformed('GET', '/v1/models/m/versions/1?x=1');
    expectMalformed('GET', '/v1/models?x=1');
  });

  it('a trailing slash is malformed', () => {
    expectMalformed('GET', '/v1/models/m/');
    expectMalformed('GET', '/v1/models/');
    expectMalformed('GET', '/v1/models/m/metadata/');
    expectMalformed('GET', '/v1/models/m/versions/1/');
    expectMalformed('POST', '/v1/models/m/:predict');
    expectMalformed('POST', '/v1/models/m:predict/');
  });
});

describe('isRestPath', () => {
  it('matches (?i)/v1/.*', () => {
    for (const p of ['/v1/', '/v1/models', '/V1/models/m', '/v1/anything?q', '/v1//']) expect(isRestPath(p)).toBe(true);
  });

  it('rejects everything else', () => {
    for (const p of ['', '/', '/v1', '/v1x/', '/v2/models', 'v1/models', '/monitoring/prometheus/metrics', '/healthz', '//v1/']) {
      expect(isRestPath(p)).toBe(false);
    }
  });
});
