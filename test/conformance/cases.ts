// TF Serving's REST conformance suite (contract reference §15 and its additional checks) as
// black-box cases over any fetch function, so every adapter (Node, workerd, Lambda) runs the same
// suite against its own server. Needs the example repository (half_plus_two v1+v2 with label
// stable→2, two_io, all_dtypes) behind the server.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../functions/util/json/parse.ts';
import { JsonInt, type JsonValue } from '../../functions/util/json/value.ts';

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/** JSON as a test compares it: NaN/Infinity tokens kept, int64 beyond 2^53 as exact digit strings. */
export function plain(value: JsonValue): unknown {
  if (value instanceof JsonInt) return value.text ?? value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  return value;
}

export async function call(fetcher: Fetcher, method: string, path: string, body?: string | Uint8Array, headers?: Record<string, string>) {
  const res = await fetcher(path, { method, body: body as BodyInit | undefined, headers });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') && text ? plain(parseJson(text)) : undefined;
  return { status: res.status, headers: res.headers, text, json: json as any };
}

const post = (f: Fetcher, path: string, body: string | Uint8Array, headers?: Record<string, string>) => call(f, 'POST', path, body, headers);
const get = (f: Fetcher, path: string) => call(f, 'GET', path);
const H2 = '/v1/models/half_plus_two';

export function defineConformanceSuite(name: string, fetcher: () => Fetcher): void {
  describe(`TF Serving REST conformance: ${name}`, () => {
    const f: Fetcher = (path, init) => fetcher()(path, init);

    it('1. status lists the latest version AVAILABLE, versions as strings', async () => {
      const r = await get(f, H2);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.json).toEqual({ model_version_status: [{ version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });
    });

    it('2-4. status errors: unknown version, unknown model, missing name', async () => {
      expect(await get(f, `${H2}/versions/7`)).toMatchObject({ status: 404, json: { error: 'Could not find version 7 of model half_plus_two' } });
      expect(await get(f, '/v1/models/nope')).toMatchObject({ status: 404, json: { error: 'Could not find any versions of model nope' } });
      expect(await get(f, '/v1/models/versions/1')).toMatchObject({ status: 400, json: { error: 'Missing model name in request.' } });
    });

    it('GET /v1/models lists the models with their versions (edgeserve extension, tensorflow/serving#795)', async () => {
      const r = await get(f, '/v1/models');
      expect(r.status).toBe(200);
      const names = r.json.models.map((m: { name: string }) => m.name);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(['half_plus_two', 'two_io', 'all_dtypes', 'mnist']));
      expect(r.json.models.find((m: { name: string }) => m.name === 'half_plus_two')).toEqual({
        name: 'half_plus_two',
        model_version_status: [{ version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
      });
      expect((await get(f, '/v1/models?x=1')).status).toBe(400); // only the bare path lists
    });

    it('5. metadata is a serving_default signature_def with DT_* dtypes and string dims', async () => {
      const r = await get(f, `${H2}/metadata`);
      expect(r.status).toBe(200);
      expect(r.json.model_spec).toEqual({ name: 'half_plus_two', signature_name: '', version: '2' });
      const sig = r.json.metadata.signature_def.signature_def.serving_default;
      expect(sig.inputs.x.dtype).toBe('DT_FLOAT');
      expect(sig.inputs.x.tensor_shape.dim[0].size).toBe('-1');
      expect(sig.outputs.y.dtype).toBe('DT_FLOAT');
      expect(sig.method_name).toBe('tensorflow/serving/predict');
    });

    it('6-7. predict in row and columnar form, byte for byte', async () => {
      const row = await post(f, `${H2}:predict`, '{"instances": [1.0, 2.0, 5.0]}');
      expect(row.status).toBe(200);
      expect(row.text).toBe('{\n    "predictions": [2.5, 3.0, 4.5\n    ]\n}');
      expect(row.headers.get('x-model-version')).toBe('2');
      const col = await post(f, `${H2}:predict`, '{"signature_name":"serving_default","inputs":[1.0,2.0,5.0]}');
      expect(col).toMatchObject({ status: 200, json: { outputs: [2.5, 3.0, 4.5] } });
      expect(col.text).toBe('{\n    "outputs": [\n        2.5,\n        3.0,\n        4.5\n    ]\n}');
    });

    it('8. named multi-input rows give objects; _bytes outputs are b64', async () => {
      const r = await post(f, '/v1/models/two_io:predict', '{"instances":[{"a":[1.0,2.0],"b":3},{"a":[3.0,4.0],"b":4}]}');
      expect(r.status).toBe(200);
      expect(r.json.predictions).toHaveLength(2);
      for (const p of r.json.predictions) expect(Object.keys(p).sort()).toEqual(['label_bytes', 'sum']);
      expect(r.json.predictions[0]).toEqual({ sum: 6, label_bytes: { b64: btoa('3') } });
      expect(r.json.predictions[1]).toEqual({ sum: 11, label_bytes: { b64: btoa('4') } });
    });

    it('9-11. resolution errors: unknown model, unknown version, labels', async () => {
      expect((await post(f, '/v1/models/nope:predict', '{"instances":[1.0]}')).text).toBe(
        '{\n    "error": "Servable not found for request: Latest(nope)"\n}',
      );
      expect(await post(f, `${H2}/versions/7:predict`, '{"instances":[1.0]}')).toMatchObject({
        status: 404, json: { error: 'Servable not found for request: Specific(half_plus_two, 7)' },
      });
      expect(await post(f, `${H2}/labels/stable:predict`, '{"instances":[1.0]}')).toMatchObject({ status: 200, json: { predictions: [2.5] } });
      expect(await post(f, `${H2}/labels/nolabel:predict`, '{"instances":[1.0]}')).toMatchObject({
        status: 400, json: { error: 'Unrecognized servable version label: nolabel' },
      });
    });

    it('12. parse errors', async () => {
      expect(await post(f, `${H2}:predict`, '')).toMatchObject({ status: 400, json: { error: 'JSON Parse error: The document is empty' } });
      expect(await post(f, `${H2}:predict`, 'instances = [1, 2]')).toMatchObject({
        status: 400, json: { error: 'JSON Parse error: Invalid value. at offset: 0' },
      });
      expect(await post(f, `${H2}:predict`, '  \n')).toMatchObject({ json: { error: 'JSON Parse error: The document is empty. at offset: 3' } });
      expect(await post(f, `${H2}:predict`, '{"instances": [1,]}')).toMatchObject({ json: { error: 'JSON Parse error: Invalid value. at offset: 17' } });
      expect(await post(f, `${H2}:predict`, '{"a": 01}')).toMatchObject({
        json: { error: "JSON Parse error: Missing a comma or '}' after an object member. at offset: 7" },
      });
      expect(await post(f, `${H2}:predict`, "{'a': 1}")).toMatchObject({ json: { error: 'JSON Parse error: Missing a name for object member. at offset: 1' } });
    });

    it('13. request structure errors', async () => {
      const both = await post(f, `${H2}:predict`, '{"instances":[1.0],"inputs":[1.0]}');
      expect(both.status).toBe(400);
      expect(both.json.error).toMatch(/^JSON Value: \{/);
      expect(both.json.error.endsWith("Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ")).toBe(true);
      expect(await post(f, `${H2}:predict`, '{}')).toMatchObject({ status: 400, json: { error: "Missing 'inputs' or 'instances' key" } });
      expect(await post(f, `${H2}:predict`, '{"signature_name":"bogus","instances":[1.0]}')).toMatchObject({
        status: 400, json: { error: 'Serving signature name: "bogus" not found in signature def' },
      });
      // `{}` to an unknown model: the model is resolved before the body's structure is checked.
      expect((await post(f, '/v1/models/nope:predict', '{}')).status).toBe(404);
    });

    it('14. value errors are wrapped with the element index', async () => {
      expect(await post(f, `${H2}:predict`, '{"instances":["a","b"]}')).toMatchObject({
        status: 400,
        json: { error: `Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: "a" Type: String is not of expected type: float` },
      });
      expect(await post(f, `${H2}:predict`, '{"instances":[[1.0,2.0],[3.0]]}')).toMatchObject({
        status: 400,
        json: { error: "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 2 but got: 1" },
      });
    });

    it('15. NaN and Infinity travel as bare tokens both ways', async () => {
      const r = await post(f, `${H2}:predict`, '{"instances":[NaN, Infinity, -Infinity]}');
      expect(r.status).toBe(200);
      expect(r.text).toBe('{\n    "predictions": [NaN, Infinity, -Infinity\n    ]\n}');
      const lower = await post(f, `${H2}:predict`, '{"instances":[nan]}');
      expect(lower.status).toBe(400);
      expect(lower.json.error).toMatch(/^JSON Parse error: Invalid value\. at offset: \d+$/);
    });

    it('routing: malformed requests, non-/v1 paths, version overflow, percent-decoding', async () => {
      for (const [method, path] of [
        ['GET', `${H2}:predict`], ['POST', H2], ['PUT', H2], ['POST', `${H2}:Predict`], ['GET', '/v1/foo'], ['POST', '/v1/models'],
        ['GET', '/v1/models/foo/version/50:predict'], ['POST', '/v1/models/foo/versions/HELLO:regress'], ['POST', '/v1/models/foo/metadata'],
        ['POST', '/v1/models/foo/versions/50/labels/some_label:regress'], ['GET', '/v1/models/debug/model_name'], ['POST', `${H2}:predict?x=1`],
      ] as const) {
        const r = await call(f, method, path, method === 'GET' ? undefined : '{"instances":[1.0]}');
        expect(r, `${method} ${path}`).toMatchObject({ status: 400, json: { error: `Malformed request: ${method} ${path}` } });
      }
      const healthz = await get(f, '/healthz');
      expect(healthz.status).toBe(404);
      expect(healthz.text).toContain('<TITLE>404 Not Found</TITLE>');
      expect(await post(f, `${H2}/versions/18446744073709551615:predict`, '{"instances":[1.0]}')).toMatchObject({
        status: 400, json: { error: 'Failed to convert version: 18446744073709551615 to numeric.' },
      });
      expect(await get(f, '/v1/models/a%2Fb')).toMatchObject({ status: 404, json: { error: 'Could not find any versions of model a/b' } });
      expect(await get(f, '/v1/models/m?x=1')).toMatchObject({ status: 404, json: { error: 'Could not find any versions of model m?x=1' } });
      expect(await post(f, '/V1/MODELS/half_plus_two/VERSIONS/002:predict', '{"instances":[1.0]}')).toMatchObject({ status: 200, json: { predictions: [2.5] } });
    });

    it('status with a label ignores the label; METADATA in capitals is a status request', async () => {
      const r = await get(f, `${H2}/labels/whatever`);
      expect(r.status).toBe(200);
      expect(r.json.model_version_status[0].version).toBe('2');
      expect((await get(f, `${H2}/METADATA`)).json.model_version_status).toBeDefined();
    });

    it('other predict inputs from the reference', async () => {
      const cases: [string, string, RegExp | string][] = [
        [H2, '{"instances":[]}', / No values in 'instances' array$/],
        [H2, '{"instances":{"x":1}}', / Expecting 'instances' to be an list\/array$/],
        [H2, '[1,2]', 'JSON Value: [1, 2] Is not object'],
        [H2, '{"signature_name":5,"instances":[1.0]}', / 'signature_name' key must be a string value\.$/],
        ['/v1/models/two_io', '{"instances":[{"a":[1.0,2.0],"b":1,"z":1}]}',
          "Failed to process element: 0 key: z of 'instances' list. Error: INVALID_ARGUMENT: JSON object: does not have named input: z"],
        ['/v1/models/two_io', '{"instances":[1.0]}',
          'instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map'],
        ['/v1/models/two_io', '{"inputs":{"a":[[1.0,2.0]]}}', 'Missing named input: b in \'inputs\' object.'],
        ['/v1/models/two_io', '{"instances":[{"a":[1.0,2.0],"b":1.0}]}', / Error: INVALID_ARGUMENT: JSON Value: 1\.0 Type: Number is not of expected type: int64$/],
        ['/v1/models/two_io', '{"instances":[{"a":[1.0,2.0]}]}', /^Failed to process element: 0 of 'instances' list\. JSON object: \{\n {4}"a": \[1\.0, 2\.0\]\n\} keys must be equal to: a,b$/],
      ];
      for (const [model, body, expected] of cases) {
        const r = await post(f, `${model}:predict`, body);
        expect(r.status, body).toBe(400);
        if (typeof expected === 'string') expect(r.json.error, body).toBe(expected);
        else expect(r.json.error, body).toMatch(expected);
      }
    });

    it('encoding: exact int64, URL-safe base64 rejected, float formatting, trailing garbage, gzip', async () => {
      const big = await post(f, '/v1/models/all_dtypes:predict', JSON.stringify({ inputs: allDtypesInputs({ i64: '@i64' }) }).replace('"@i64"', '[9007199254740993]'));
      expect(big.status).toBe(200);
      expect(big.json.outputs.i64_out).toEqual(['9007199254740993']);
      const urlSafe = await post(f, '/v1/models/all_dtypes:predict', JSON.stringify({ inputs: { ...allDtypesInputs(), s: [{ b64: '-_8=' }] } }));
      expect(urlSafe).toMatchObject({ status: 400, json: { error: 'Unable to base64 decode' } });
      const three = await post(f, `${H2}:predict`, '{"instances":[2]}');
      expect(three.text).toBe('{\n    "predictions": [3.0\n    ]\n}');
      expect(await post(f, `${H2}:predict`, '{"instances":[1.0]} trailing junk')).toMatchObject({ status: 200, json: { predictions: [2.5] } });
      const gz = await post(f, `${H2}:predict`, gzipSync('{"instances":[1.0, 2.0]}'), { 'Content-Encoding': 'gzip' });
      expect(gz).toMatchObject({ status: 200, json: { predictions: [2.5, 3.0] } });
    });

    it('classify and regress answer with TF Serving errors for ONNX models', async () => {
      expect(await post(f, `${H2}:regress`, '{"signature_name":"regress_x_to_y"}')).toMatchObject({
        status: 400, json: { error: expect.stringMatching(/ When method is classify, key 'examples' is expected and was not found$/) },
      });
      expect(await post(f, `${H2}:regress`, '{"signature_name":"regress_x_to_y","examples":[{"x":80.0}]}')).toMatchObject({
        status: 400, json: { error: 'No signature was found with the name: regress_x_to_y' },
      });
      const noInputs = await post(f, `${H2}:classify`, '{"examples":[{"x":80.0}]}');
      expect(noInputs.status).toBe(400);
      expect(noInputs.json.error).toMatch(/^No classification inputs found in SignatureDef: inputs \{\n  key: "x"/);
      expect(await post(f, `${H2}:classify`, '{"examples":[{"x":[10, 10.0]}]}')).toMatchObject({
        status: 400, json: { error: 'Unexpected element type in feature: x expecting type: int64' },
      });
    });

    it('metrics path is not served unless enabled: 404 page', async () => {
      expect((await get(f, '/monitoring/prometheus/metrics')).status).toBe(404);
    });
  });
}

/** Columnar inputs for the all_dtypes model: one element per dtype. */
export function allDtypesInputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    f32: [1.5], f64: [2.25], f16: [0.5], i8: [-8], i16: [-16], i32: [-32], i64: [-64],
    u8: [8], u16: [16], u32: [32], u64: [64], b: [true], s: ['text'], ...overrides,
  };
}
