// An infer request's inputs → the model's feeds, against the serving version's signature: every
// model input given once and no other, each with the model's datatype and a shape its dims allow
// (a fixed dim must match; a dynamic one takes any size), its data from JSON or from its binary
// bytes. The outputs asked for must be the model's. Every failure is the client's: 400.
import type { Signature } from '../serving/servable.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { invalidArgument } from '../util/status.ts';
import { tensorDataFromBytes } from './binary-data.ts';
import { v2Datatype } from './datatype.ts';
import type { InferBody } from './infer-body.ts';
import { tensorDataFromJson } from './json-data.ts';

/** onnxruntime-web reports an unnamed dynamic dim as 2^32-1 (-1 read unsigned), ort-node as "". */
const UNSIGNED_MINUS_ONE = 4294967295;

/** A dim of the model's shape as V2 metadata shows it: -1 for dynamic. */
export function v2Dim(d: number | string): number {
  return typeof d === 'number' && d >= 0 && d !== UNSIGNED_MINUS_ONE ? d : -1;
}

export function decodeInputs(body: InferBody, signature: Signature, model: string): Map<string, Tensor> {
  const given = new Map(body.request.inputs.map((input) => [input.name, input]));
  for (const name of given.keys()) {
    if (!signature.inputs.some((s) => s.name === name)) throw invalidArgument(`Model '${model}' has no input '${name}'`);
  }
  for (const wanted of body.request.outputs ?? []) {
    if (!signature.outputs.some((s) => s.name === wanted.name)) throw invalidArgument(`Model '${model}' has no output '${wanted.name}'`);
  }
  const feeds = new Map<string, Tensor>();
  for (const spec of signature.inputs) {
    const input = given.get(spec.name);
    if (input === undefined) throw invalidArgument(`Model '${model}' expects input '${spec.name}', which the request does not give`);
    checkAgainstSpec(input.dtype, input.shape, spec, model);
    const bytes = body.binary.get(input.name);
    const data = bytes === undefined ? tensorDataFromJson(input.data!, input) : tensorDataFromBytes(bytes, input);
    feeds.set(spec.name, { dtype: input.dtype, dims: input.shape, data });
  }
  return feeds;
}

function checkAgainstSpec(dtype: Tensor['dtype'], shape: readonly number[], spec: TensorSpec, model: string): void {
  if (spec.dtype === undefined) throw invalidArgument(`Input '${spec.name}' of model '${model}' has element type ${spec.runtimeType}, which the V2 datatypes cannot carry`);
  if (spec.dtype !== dtype) {
    throw invalidArgument(`Input '${spec.name}': datatype ${v2Datatype(dtype)} given, model '${model}' takes ${v2Datatype(spec.dtype)}`);
  }
  if (spec.dims === undefined) return; // unknown rank: any shape
  const dims = spec.dims.map(v2Dim);
  const fits = dims.length === shape.length && dims.every((d, k) => d < 0 || d === shape[k]);
  if (!fits) throw invalidArgument(`Input '${spec.name}': shape [${shape.join(',')}] given, model '${model}' takes [${dims.join(',')}]`);
}
