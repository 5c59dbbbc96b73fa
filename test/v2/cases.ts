// The Open Inference Protocol (KServe v2 / Triton REST) conformance table, black-box over any fetch
// function, so Node, workerd and the Lambda bundle each run it against their own server. Needs the
// V2 repository (repository.ts: the example models plus a 50/50 canary of half_plus_two).
// Expected bytes are made by the test client (DataView, element by element) or written out by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Fetcher } from '../conformance/cases.ts';
import { binaryOf, encodeRequest, hex, infer, send, type ClientInput, type Element, type V2Datatype } from './client.ts';
import { CANARY_MODEL } from './repository.ts';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** all_dtypes' inputs (an Identity each, output `<name>_out`), with edge values of each datatype. */
export const DTYPE_CASES: readonly { name: string; datatype: V2Datatype; values: Element[] }[] = [
  { name: 'f32', datatype: 'FP32', values: [1.5, -2.25, 1024.125] },
  { name: 'f64', datatype: 'FP64', values: [0.1, -1e300, 5e-324] },
  { name: 'f16', datatype: 'FP16', values: [0.5, -2, 65504] },
  { name: 'i8', datatype: 'INT8', values: [-128, 0, 127] },
  { name: 'i16', datatype: 'INT16', values: [-32768, 32767, 1] },
  { name: 'i32', datatype: 'INT32', values: [-2147483648, 2147483647, 7] },
  { name: 'i64', datatype: 'INT64', values: [-9223372036854775808n, 9223372036854775807n, 9007199254740993n] },
  { name: 'u8', datatype: 'UINT8', values: [0, 255, 1] },
  { name: 'u16', datatype: 'UINT16', values: [0, 65535, 2] },
  { name: 'u32', datatype: 'UINT32', values: [0, 4294967295, 3] },
  { name: 'u64', datatype: 'UINT64', values: [0n, 18446744073709551615n, 9007199254740993n] },
  { name: 'b', datatype: 'BOOL', values: [true, false, true] },
  { name: 's', datatype: 'BYTES', values: ['héllo', '', 'a"b'] },
];

const HPT = '/v2/models/half_plus_two';
const x = (data: unknown, shape = [3]): ClientInput => ({ name: 'x', shape, datatype: 'FP32', data });
/** 2.5, 3.0, 4.5 as little-endian float32, written out by hand (0x40200000, 0x40400000, 0x40900000). */
const HPT_OUT_HEX = '00 00 20 40 00 00 40 40 00 00 90 40';
const bigOf = (v: unknown) => BigInt(v as number | string);

export function defineV2Suite(name: string, fetcher: () => Fetcher, options: { routedRequests?: number } = {}): void {
  describe(`Open Inference Protocol (V2) conformance: ${name}`, () => {
    const f: Fetcher = (path, init) => fetcher()(path, init);
    const get = async (path: string) => {
      const res = await f(path, { method: 'GET' });
      return { status: res.status, type: res.headers.get('content-type'), json: JSON.parse(await res.text()) };
    };
    /** A request that must fail with this status and the protocol's error object. */
    const refused = async (status: number, answer: Promise<{ status: number; json: any; headers: Headers }>, message?: RegExp) => {
      const r = await answer;
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(Object.keys(r.json)).toEqual(['error']);
      expect(typeof r.json.error).toBe('string');
      if (message) expect(r.json.error).toMatch(message);
    };

    it('server metadata names edgeserve, its version and the extensions it implements', async () => {
      const r = await get('/v2');
      expect(r).toMatchObject({ status: 200, type: 'application/json' });
      expect(r.json).toEqual({ name: 'edgeserve', version: PACKAGE_VERSION, extensions: ['binary_tensor_data', 'model_repository'] });
    });

    it('health: live and ready (every model serves)', async () => {
      expect(await get('/v2/health/live')).toMatchObject({ status: 200, json: { live: true } });
      expect(await get('/v2/health/ready')).toMatchObject({ status: 200, json: { ready: true } });
    });

    it('model readiness: the model, a version it serves, and 404 for what it does not know', async () => {
      expect(await get(`${HPT}/ready`)).toMatchObject({ status: 200, json: { name: 'half_plus_two', ready: true } });
      expect(await get(`${HPT}/versions/2/ready`)).toMatchObject({ status: 200, json: { ready: true } });
      expect(await get(`${HPT}/versions/7/ready`)).toMatchObject({ status: 404, json: { error: 'Could not find version 7 of model half_plus_two' } });
      expect(await get('/v2/models/nope/ready')).toMatchObject({ status: 404, json: { error: 'Could not find any versions of model nope' } });
    });

    it('model metadata: platform onnx, V2 datatypes, -1 for dynamic dims, versions as strings', async () => {
      expect(await get(HPT)).toEqual({
        status: 200, type: 'application/json',
        json: { name: 'half_plus_two', versions: ['2'], platform: 'onnx', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }] },
      });
      const mnist = await get('/v2/models/mnist/versions/1');
      expect(mnist.json).toMatchObject({ name: 'mnist', versions: ['1'], inputs: [{ datatype: 'FP32', shape: [-1, 784] }] });
      const dtypes = await get('/v2/models/all_dtypes');
      expect(dtypes.json.inputs).toEqual(DTYPE_CASES.map((c) => ({ name: c.name, datatype: c.datatype, shape: [-1] })));
      expect(dtypes.json.outputs.map((o: { name: string }) => o.name)).toContain('s_out_bytes');
      expect(await get('/v2/models/nope')).toMatchObject({ status: 404, json: { error: 'Servable not found for request: Latest(nope)' } });
      expect(await get(`${HPT}/versions/9`)).toMatchObject({ status: 404, json: { error: 'Servable not found for request: Specific(half_plus_two, 9)' } });
    });

    it('JSON infer: flat data, the id echoed, the version that served in the body and x-model-version', async () => {
      const r = await infer(f, `${HPT}/infer`, { id: 'req-1', inputs: [x([1, 2, 5])] });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.headers.get('x-model-version')).toBe('2');
      expect(r.json).toEqual({ id: 'req-1', model_name: 'half_plus_two', model_version: '2', outputs: [{ name: 'y', datatype: 'FP32', shape: [3], data: [2.5, 3, 4.5] }] });
      const pinned = await infer(f, `${HPT}/versions/2/infer`, { inputs: [x([1, 2, 5])] });
      expect(pinned.json.id).toBeUndefined();
      expect(pinned.json.outputs[0].data).toEqual([2.5, 3, 4.5]);
    });

    it('JSON infer: nested data gives what the same elements flat give', async () => {
      const pixels = Array.from({ length: 784 }, (_, i) => (i % 7) / 7);
      const flat = await infer(f, '/v2/models/mnist/infer', { inputs: [{ name: 'image', shape: [1, 784], datatype: 'FP32', data: pixels }] });
      const nested = await infer(f, '/v2/models/mnist/infer', { inputs: [{ name: 'image', shape: [1, 784], datatype: 'FP32', data: [pixels] }] });
      expect(flat.status, JSON.stringify(flat.json)).toBe(200);
      expect(nested.json.outputs).toEqual(flat.json.outputs);
      expect(flat.json.outputs[0].shape).toEqual([1, 10]);
      const twoIo = await infer(f, '/v2/models/two_io/infer', { inputs: [{ name: 'a', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4]] }, { name: 'b', shape: [2], datatype: 'INT64', data: [3, 4] }] });
      expect(twoIo.json.outputs).toEqual([
        { name: 'sum', datatype: 'FP32', shape: [2], data: [6, 11] },
        { name: 'label_bytes', datatype: 'BYTES', shape: [2], data: ['3', '4'] },
      ]);
    });

    it('JSON infer of every datatype: each value comes back exactly', async () => {
      const r = await infer(f, '/v2/models/all_dtypes/infer', { inputs: DTYPE_CASES.map((c) => ({ name: c.name, shape: [3], datatype: c.datatype, data: c.values })) });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      for (const c of DTYPE_CASES) {
        const out = r.outputs.find((o) => o.name === `${c.name}_out`)!;
        expect(out, c.name).toMatchObject({ datatype: c.datatype, shape: [3] });
        if (c.datatype === 'INT64' || c.datatype === 'UINT64') expect(out.data!.map(bigOf), c.name).toEqual(c.values);
        else expect(out.data, c.name).toEqual(c.values);
      }
    });

    it('binary infer of every datatype: request and answer bytes are the hand-made little-endian layout', async () => {
      const r = await infer(f, '/v2/models/all_dtypes/infer', {
        inputs: DTYPE_CASES.map((c) => ({ name: c.name, shape: [3], datatype: c.datatype, binary: binaryOf(c.datatype, c.values) })),
        parameters: { binary_data_output: true },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      const headerLength = Number(r.headers.get('inference-header-content-length'));
      expect(JSON.parse(new TextDecoder().decode(r.body.subarray(0, headerLength))).model_name).toBe('all_dtypes');
      for (const c of DTYPE_CASES) {
        const out = r.outputs.find((o) => o.name === `${c.name}_out`)!;
        expect(out.data, c.name).toBeUndefined();
        expect(out.parameters, c.name).toEqual({ binary_data_size: binaryOf(c.datatype, c.values).byteLength });
        expect(hex(out.binary!), c.name).toBe(hex(binaryOf(c.datatype, c.values)));
      }
      // A few layouts written out by hand, not by the client's encoder.
      const by = (n: string) => hex(r.outputs.find((o) => o.name === n)!.binary!);
      expect(by('f16_out')).toBe('00 38 00 c0 ff 7b'); // 0.5, -2, 65504
      expect(by('i64_out').slice(0, 23)).toBe('00 00 00 00 00 00 00 80'); // -2^63
      expect(by('b_out')).toBe('01 00 01');
      expect(by('s_out')).toBe('06 00 00 00 68 c3 a9 6c 6c 6f 00 00 00 00 03 00 00 00 61 22 62');
    });

    it('binary request, JSON answer; JSON request, binary answer (binary_data_output)', async () => {
      const binaryIn = await infer(f, `${HPT}/infer`, { inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }] });
      expect(binaryIn.status, JSON.stringify(binaryIn.json)).toBe(200);
      expect(binaryIn.headers.get('content-type')).toBe('application/json');
      expect(binaryIn.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [3], data: [2.5, 3, 4.5] }]);
      const binaryOut = await infer(f, `${HPT}/infer`, { inputs: [x([1, 2, 5])], parameters: { binary_data_output: true } });
      expect(binaryOut.headers.get('content-type')).toBe('application/octet-stream');
      expect(binaryOut.outputs[0]).toMatchObject({ name: 'y', datatype: 'FP32', shape: [3], parameters: { binary_data_size: 12 } });
      expect(hex(binaryOut.outputs[0]!.binary!)).toBe(HPT_OUT_HEX);
      // Asked per output instead of for all.
      const perOutput = await infer(f, `${HPT}/infer`, { inputs: [x([1, 2, 5])], outputs: [{ name: 'y', parameters: { binary_data: true } }] });
      expect(hex(perOutput.outputs[0]!.binary!)).toBe(HPT_OUT_HEX);
    });

    it('several inputs and outputs: a requested subset, in the order asked, each output in JSON or binary', async () => {
      const inputs: ClientInput[] = [
        { name: 'b', shape: [2], datatype: 'INT64', binary: binaryOf('INT64', [3n, 4n]) },
        { name: 'a', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] },
      ];
      const onlyLabels = await infer(f, '/v2/models/two_io/infer', { inputs, outputs: [{ name: 'label_bytes', parameters: { binary_data: true } }] });
      expect(onlyLabels.status, JSON.stringify(onlyLabels.json)).toBe(200);
      expect(onlyLabels.outputs.map((o) => o.name)).toEqual(['label_bytes']);
      expect(hex(onlyLabels.outputs[0]!.binary!)).toBe('01 00 00 00 33 01 00 00 00 34'); // "3", "4"
      const mixed = await infer(f, '/v2/models/two_io/infer', {
        inputs, outputs: [{ name: 'label_bytes' }, { name: 'sum', parameters: { binary_data: true } }],
      });
      expect(mixed.outputs.map((o) => o.name)).toEqual(['label_bytes', 'sum']);
      expect(mixed.outputs[0]!.data).toEqual(['3', '4']);
      expect(hex(mixed.outputs[1]!.binary!)).toBe('00 00 c0 40 00 00 30 41'); // 6.0, 11.0
      // binary_data_output for all, but one output asks for JSON.
      const allBut = await infer(f, '/v2/models/two_io/infer', { inputs, parameters: { binary_data_output: true }, outputs: [{ name: 'sum', parameters: { binary_data: false } }, { name: 'label_bytes' }] });
      expect(allBut.outputs[0]!.data).toEqual([6, 11]);
      expect(allBut.outputs[1]!.binary).toBeDefined();
    });

    it('malformed Inference-Header-Content-Length: past the body, negative, not a number', async () => {
      const { body } = encodeRequest({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }] });
      const withLength = (length: string) => send(f, `${HPT}/infer`, body, { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': length });
      await refused(400, withLength(String(body.byteLength + 1)), /past the end/);
      await refused(400, withLength('-5'), /non-negative integer/);
      await refused(400, withLength('abc'), /non-negative integer/);
      await refused(400, withLength('12abc'), /non-negative integer/);
      await refused(400, withLength('3'), /JSON parse error/); // the JSON cut short
      // Binary inputs without the header at all.
      await refused(400, send(f, `${HPT}/infer`, body, { 'Content-Type': 'application/octet-stream' }), /JSON parse error|Inference-Header-Content-Length/);
    });

    it('binary_data_size and shape mismatches are 400s', async () => {
      const bodyWith = (declared: number, bytes: Uint8Array, shape = [3]) => {
        const json = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', shape, datatype: 'FP32', parameters: { binary_data_size: declared } }] }));
        const body = new Uint8Array(json.byteLength + bytes.byteLength);
        body.set(json);
        body.set(bytes, json.byteLength);
        return send(f, `${HPT}/infer`, body, { 'Inference-Header-Content-Length': String(json.byteLength) });
      };
      const twelve = binaryOf('FP32', [1, 2, 5]);
      await refused(400, bodyWith(16, twelve), /reaches past the end/);
      await refused(400, bodyWith(8, twelve), /follow the last binary input/);
      await refused(400, bodyWith(12, twelve, [4]), /does not match shape \[4\]/);
      await refused(400, bodyWith(-1, twelve), /binary_data_size must be a non-negative integer/);
      const bytesBody = (bytes: Uint8Array, n = 1) => infer(f, '/v2/models/all_dtypes/infer', {
        inputs: DTYPE_CASES.map((c) => (c.name === 's' ? { name: 's', shape: [n], datatype: 'BYTES', binary: bytes } : { name: c.name, shape: [0], datatype: c.datatype, data: [] })),
      });
      await refused(400, bytesBody(new Uint8Array([5, 0, 0, 0, 0x61, 0x62, 0x63, 0x64, 0x65]), 2), /ends before element 1's length/);
      await refused(400, bytesBody(new Uint8Array([9, 0, 0, 0, 0x61])), /claims 9 bytes/);
      await refused(400, bytesBody(new Uint8Array([1, 0])), /cannot hold the 1 elements/);
      await refused(400, bytesBody(new Uint8Array([1, 0, 0, 0, 0x61, 2, 0])), /bytes of binary data follow its last BYTES element/);
      const boolBody = infer(f, '/v2/models/all_dtypes/infer', {
        inputs: DTYPE_CASES.map((c) => (c.name === 'b' ? { name: 'b', shape: [1], datatype: 'BOOL', binary: new Uint8Array([2]) } : { name: c.name, shape: [0], datatype: c.datatype, data: [] })),
      });
      await refused(400, boolBody, /BOOL element 0 is byte 2/);
    });

    it('JSON inputs that do not fit the request or the model are 400s', async () => {
      const post = (request: object) => send(f, `${HPT}/infer`, JSON.stringify(request));
      await refused(400, post({ inputs: [x([1, 2])] }), /holds 3 elements, but its 'data' holds 2/);
      await refused(400, post({ inputs: [x([1, 2, 3, 4])] }), /holds 3 elements, but its 'data' holds more than 3/);
      await refused(400, post({ inputs: [x([1, 2, 3], [1, 3])] }), /shape \[1,3\] given, model 'half_plus_two' takes \[-1\]/);
      await refused(400, post({ inputs: [{ name: 'x', shape: [3], datatype: 'FP64', data: [1, 2, 3] }] }), /datatype FP64 given, model 'half_plus_two' takes FP32/);
      await refused(400, post({ inputs: [{ name: 'x', shape: [3], datatype: 'BF16', data: [1, 2, 3] }] }), /BF16 is not one this server supports/);
      await refused(400, post({ inputs: [x(['a', 2, 3])] }), /element 0 of 'data' \("a"\) is not a FP32 value/);
      await refused(400, post({ inputs: [x([1, 2, 3]), { name: 'z', shape: [1], datatype: 'FP32', data: [1] }] }), /has no input 'z'/);
      await refused(400, post({ inputs: [x([1, 2, 3])], outputs: [{ name: 'nope' }] }), /has no output 'nope'/);
      await refused(400, send(f, '/v2/models/two_io/infer', JSON.stringify({ inputs: [{ name: 'a', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] })), /expects input 'b'/);
      await refused(400, post({ inputs: [{ name: 'x', shape: [-3], datatype: 'FP32', data: [] }] }), /'shape' list of non-negative integers/);
      await refused(400, post({ inputs: [] }), /non-empty 'inputs'/);
      await refused(400, post({ inputs: [x([1, 2, 3]), x([1, 2, 3])] }), /more than once/);
      await refused(400, post({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32' }] }), /neither 'data' nor/);
      await refused(400, send(f, `${HPT}/infer`, '{"inputs": [1,'), /JSON parse error/);
      await refused(400, send(f, `${HPT}/infer`, '[1, 2]'), /must be a JSON object/);
      await refused(400, send(f, `${HPT}/infer`, ''), /empty/);
      const ints = (name: string, datatype: V2Datatype, values: unknown[]) => infer(f, '/v2/models/all_dtypes/infer', {
        inputs: DTYPE_CASES.map((c) => (c.name === name ? { name, shape: [values.length], datatype, data: values } : { name: c.name, shape: [0], datatype: c.datatype, data: [] })),
      });
      await refused(400, ints('i8', 'INT8', [128]), /element 0 of 'data' \(128\) is not a INT8 value/);
      await refused(400, ints('u8', 'UINT8', [-1]), /is not a UINT8 value/);
      await refused(400, ints('i32', 'INT32', [1.5]), /is not a INT32 value/);
      await refused(400, ints('b', 'BOOL', [1]), /is not a BOOL value/);
    });

    it('unknown model, unknown version, unknown target, wrong method: 404, 404, 404, 405', async () => {
      const body = JSON.stringify({ inputs: [x([1, 2, 5])] });
      await refused(404, send(f, '/v2/models/nope/infer', body), /Servable not found for request: Latest\(nope\)/);
      await refused(404, send(f, '/v2/models/nope/infer', '{}'), /Latest\(nope\)/);
      await refused(404, send(f, `${HPT}/versions/9/infer`, body), /Specific\(half_plus_two, 9\)/);
      await refused(404, send(f, '/v2/models/half_plus_two/stats', body));
      await refused(400, send(f, `${HPT}/versions/x1/infer`, body), /Model version must be/);
      const wrong = await f(`${HPT}/infer`, { method: 'GET' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
      expect(await wrong.json()).toEqual({ error: `Method GET is not allowed for ${HPT}/infer; use POST` });
      const post = await f(`${HPT}/ready`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      await post.arrayBuffer();
    });

    it('empty tensors: a JSON answer of no elements, and a binary and a JSON output of none together', async () => {
      const empty = await infer(f, `${HPT}/infer`, { inputs: [x([], [0])] });
      expect(empty.status, JSON.stringify(empty.json)).toBe(200);
      expect(empty.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [0], data: [] }]);
      const inputs: ClientInput[] = [{ name: 'a', shape: [0, 2], datatype: 'FP32', data: [] }, { name: 'b', shape: [0], datatype: 'INT64', data: [] }];
      for (const binaryOne of ['sum', 'label_bytes']) {
        const r = await infer(f, '/v2/models/two_io/infer', { inputs, outputs: ['sum', 'label_bytes'].map((name) => ({ name, parameters: { binary_data: name === binaryOne } })) });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        expect(r.headers.get('content-type')).toBe('application/octet-stream');
        for (const o of r.outputs) {
          if (o.name === binaryOne) expect(o, o.name).toMatchObject({ shape: [0], parameters: { binary_data_size: 0 } });
          else expect(o.data, o.name).toEqual([]);
          expect(o.data === undefined, o.name).toBe(o.name === binaryOne);
        }
      }
    });

    it('"outputs": [] asks for every output, as an absent list does (Triton, KServe)', async () => {
      const r = await infer(f, `${HPT}/infer`, { inputs: [x([1, 2, 5])], outputs: [] });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [3], data: [2.5, 3, 4.5] }]);
      const twoIo = await infer(f, '/v2/models/two_io/infer', { inputs: [{ name: 'a', shape: [1, 2], datatype: 'FP32', data: [1, 2] }, { name: 'b', shape: [1], datatype: 'INT64', data: [3] }], outputs: [] });
      expect(twoIo.json.outputs.map((o: { name: string }) => o.name)).toEqual(['sum', 'label_bytes']);
    });

    it('BYTES elements that are not UTF-8 are refused (400), never changed to U+FFFD', async () => {
      const bytesBody = (bytes: Uint8Array, n: number) => infer(f, '/v2/models/all_dtypes/infer', {
        inputs: DTYPE_CASES.map((c) => (c.name === 's' ? { name: 's', shape: [n], datatype: 'BYTES', binary: bytes } : { name: c.name, shape: [0], datatype: c.datatype, data: [] })),
      });
      await refused(400, bytesBody(new Uint8Array([2, 0, 0, 0, 0xff, 0xd8]), 1), /Input 's': BYTES element 0 is not valid UTF-8/);
      await refused(400, bytesBody(new Uint8Array([1, 0, 0, 0, 0x61, 1, 0, 0, 0, 0xc3]), 2), /Input 's': BYTES element 1 is not valid UTF-8/);
    });

    it('an FP16 value past the half range is refused (400), not made Infinity; Infinity itself is read', async () => {
      const f16 = (data: unknown, shape = [1]) => infer(f, '/v2/models/all_dtypes/infer', {
        inputs: DTYPE_CASES.map((c) => (c.name === 'f16' ? { name: 'f16', shape, datatype: 'FP16', data } : { name: c.name, shape: [0], datatype: c.datatype, data: [] })),
      });
      await refused(400, f16([1, 70000], [2]), /element 1 of 'data' \(70000\) is not a FP16 value/);
      await refused(400, f16(-65520), /element 0 of 'data' \(-65520\) is not a FP16 value/);
      await refused(400, f16([1e300, 'x'], [2]), /element 0 of 'data' \(1e\+300\) is not a FP16 value/);
      const ok = await f16([65519, 1e-10], [2]); // rounds to 65504, and to 0: finite
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      expect(ok.outputs.find((o) => o.name === 'f16_out')!.data).toEqual([65504, 0]);
      const inf = await send(f, '/v2/models/all_dtypes/infer', JSON.stringify({
        inputs: DTYPE_CASES.map((c) => ({ name: c.name, shape: [c.name === 'f16' ? 1 : 0], datatype: c.datatype, data: c.name === 'f16' ? [1] : [] })),
      }).replace('"data":[1]', '"data":[Infinity]'));
      expect(inf.status, JSON.stringify(inf.json)).toBe(200);
    });

    it('the repository index lists every model, version and state', async () => {
      const r = await send(f, '/v2/repository/index', '{}');
      expect(r.status).toBe(200);
      expect(r.json).toContainEqual({ name: 'half_plus_two', version: '2', state: 'READY', reason: '' });
      expect(r.json).toContainEqual({ name: CANARY_MODEL, version: '1', state: 'READY', reason: '' });
      const ready = await send(f, '/v2/repository/index', '{"ready": true}');
      expect(ready.json.every((e: { state: string }) => e.state === 'READY')).toBe(true);
      await refused(400, send(f, '/v2/repository/index', '{"ready": 1}'), /'ready' must be true or false/);
    });

    it('an unversioned infer follows the model\'s routing: a 50/50 canary split, sticky users, pinned versions unrouted', async () => {
      const n = options.routedRequests ?? 200;
      const counts = { stable: 0, canary: 0 };
      for (let i = 0; i < n; i++) {
        const r = await infer(f, `/v2/models/${CANARY_MODEL}/infer`, { inputs: [x([1, 2, 5])] });
        const arm = r.headers.get('x-edgeserve-arm') as 'stable' | 'canary';
        expect(r.json.model_version).toBe(arm === 'stable' ? '1' : '2');
        expect(r.headers.get('x-model-version')).toBe(r.json.model_version);
        counts[arm]++;
      }
      expect(counts.stable + counts.canary).toBe(n);
      expect(Math.abs(counts.canary / n - 0.5)).toBeLessThan(0.2);
      const user = async (id: string) => (await infer(f, `/v2/models/${CANARY_MODEL}/infer`, { inputs: [x([1], [1])] }, { 'x-user': id })).headers.get('x-edgeserve-arm');
      for (const id of ['ada', 'grace', 'linus']) {
        const first = await user(id);
        expect(['stable', 'canary']).toContain(first);
        for (let k = 0; k < 5; k++) expect(await user(id)).toBe(first);
      }
      const pinned = await infer(f, `/v2/models/${CANARY_MODEL}/versions/1/infer`, { inputs: [x([1], [1])] });
      expect(pinned.headers.get('x-model-version')).toBe('1');
      expect(pinned.headers.get('x-edgeserve-arm')).toBeNull();
    }, 60_000);
  });
}
