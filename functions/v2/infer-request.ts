// The inference request object ($inference_request) read off its JSON: its fields' types checked
// here, once, so that later steps read a typed request. Each input's element count is its shape's
// product, checked against the server's --max_request_elements (all inputs together) before any
// tensor is allocated; a binary input (`binary_data_size`) has no `data`, a JSON one must have it.
import { ElementLimitError } from '../codec/tensor-from-json.ts';
import type { DType } from '../tensor/dtype.ts';
import { JsonInt, NumberRun, type JsonObject, type JsonValue } from '../util/json/value.ts';
import { invalidArgument } from '../util/status.ts';
import { dtypeOf, isV2Datatype } from './datatype.ts';

export interface V2Input {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly elements: number;
  /** The JSON data; undefined for a binary input. */
  readonly data?: JsonValue;
  /** `binary_data_size`: the input's bytes after the JSON header, in input order. */
  readonly binarySize?: number;
}

export interface V2RequestedOutput {
  readonly name: string;
  /** Its `binary_data` parameter; undefined: the request's `binary_data_output`. */
  readonly binary?: boolean;
}

export interface V2InferRequest {
  readonly id?: string;
  readonly inputs: readonly V2Input[];
  /** undefined: every output of the model (also when the request's list is empty). */
  readonly outputs?: readonly V2RequestedOutput[];
  /** The request's `binary_data_output` parameter: outputs not asking otherwise are binary. */
  readonly binaryOutput: boolean;
  /** The whole object, for routing that is sticky by a top-level field. */
  readonly doc: JsonObject;
}

export function parseInferRequest(doc: JsonValue, maxElements: number): V2InferRequest {
  if (!(doc instanceof Map)) throw invalidArgument('The inference request must be a JSON object');
  const id = doc.get('id');
  if (id !== undefined && typeof id !== 'string') throw invalidArgument("The request's 'id' must be a string");
  const parameters = objectField(doc, 'parameters', 'The request');
  const binaryOutput = booleanParameter(parameters, 'binary_data_output', 'The request') ?? false;
  const inputsValue = list(doc.get('inputs'));
  if (inputsValue === undefined || inputsValue.length === 0) throw invalidArgument("The request must have a non-empty 'inputs' list");
  const names = new Set<string>();
  let total = 0;
  const inputs = inputsValue.map((value, k) => {
    const input = parseInput(value, k);
    if (names.has(input.name)) throw invalidArgument(`Input '${input.name}' is given more than once`);
    names.add(input.name);
    total += input.elements;
    if (total > maxElements) throw new ElementLimitError(maxElements);
    return input;
  });
  return { id, inputs, outputs: parseOutputs(doc.get('outputs')), binaryOutput, doc };

  function parseInput(value: JsonValue, k: number): V2Input {
    if (!(value instanceof Map)) throw invalidArgument(`Input ${k} of 'inputs' must be an object`);
    const name = value.get('name');
    if (typeof name !== 'string') throw invalidArgument(`Input ${k} of 'inputs' must have a string 'name'`);
    const datatype = value.get('datatype');
    if (typeof datatype !== 'string') throw invalidArgument(`Input '${name}' must have a string 'datatype'`);
    if (!isV2Datatype(datatype)) throw invalidArgument(`Input '${name}': datatype ${datatype.slice(0, 40)} is not one this server supports`);
    const shape = parseShape(value.get('shape'), name);
    let elements = 1;
    for (const d of shape) {
      elements *= d;
      if (elements > maxElements) throw new ElementLimitError(maxElements);
    }
    const params = objectField(value, 'parameters', `Input '${name}'`);
    const size = params?.get('binary_data_size');
    const data = value.get('data');
    if (size === undefined) {
      if (data === undefined) throw invalidArgument(`Input '${name}' has neither 'data' nor a binary_data_size parameter`);
      return { name, shape, dtype: dtypeOf(datatype), elements, data };
    }
    if (!(size instanceof JsonInt) || size.text !== undefined || size.value < 0) {
      throw invalidArgument(`Input '${name}': binary_data_size must be a non-negative integer`);
    }
    if (data !== undefined) throw invalidArgument(`Input '${name}' has both 'data' and a binary_data_size parameter`);
    return { name, shape, dtype: dtypeOf(datatype), elements, binarySize: size.value };
  }
}

function parseShape(value: JsonValue | undefined, name: string): number[] {
  const bad = () => invalidArgument(`Input '${name}' must have a 'shape' list of non-negative integers`);
  if (value instanceof NumberRun) {
    // The usual shape: a run of integer literals (below 2^53, exact), read without a value per dim.
    if (value.intCount !== value.length || value.values.some((d) => d < 0)) throw bad();
    return Array.from(value.values);
  }
  const dims = list(value);
  if (dims === undefined) throw bad();
  return dims.map((d) => {
    if (!(d instanceof JsonInt) || d.text !== undefined || d.value < 0) throw bad();
    return d.value;
  });
}

function parseOutputs(value: JsonValue | undefined): V2RequestedOutput[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidArgument("The request's 'outputs' must be a list");
  // An empty list asks for every output, as an absent one does (Triton and KServe read it so).
  if (value.length === 0) return undefined;
  const names = new Set<string>();
  return value.map((output, k) => {
    if (!(output instanceof Map)) throw invalidArgument(`Output ${k} of 'outputs' must be an object`);
    const name = output.get('name');
    if (typeof name !== 'string') throw invalidArgument(`Output ${k} of 'outputs' must have a string 'name'`);
    if (names.has(name)) throw invalidArgument(`Output '${name}' is requested more than once`);
    names.add(name);
    const params = objectField(output, 'parameters', `Output '${name}'`);
    if (params?.has('classification')) throw invalidArgument(`Output '${name}': the classification extension is not supported`);
    return { name, binary: booleanParameter(params, 'binary_data', `Output '${name}'`) };
  });
}

function list(value: JsonValue | undefined): JsonValue[] | undefined {
  if (value instanceof NumberRun) return value.toArray();
  return Array.isArray(value) ? value : undefined;
}

function objectField(owner: JsonObject, field: string, what: string): JsonObject | undefined {
  const value = owner.get(field);
  if (value === undefined) return undefined;
  if (!(value instanceof Map)) throw invalidArgument(`${what}'s '${field}' must be an object`);
  return value;
}

function booleanParameter(parameters: JsonObject | undefined, name: string, what: string): boolean | undefined {
  const value = parameters?.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidArgument(`${what}'s ${name} parameter must be true or false`);
  return value;
}
