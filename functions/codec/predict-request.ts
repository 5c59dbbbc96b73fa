// The `instances` (row) and `inputs` (columnar) request formats → named input tensors, with the
// checks in TF Serving's order (FillPredictRequestFromJson and friends, util/json_tensor.cc).
import type { TensorSpec } from '../tensor/tensor-spec.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { jsonDebugString } from '../util/json/debug-string.ts';
import { asJsonArray, b64Payload, NumberRun, type JsonObject, type JsonValue } from '../util/json/value.ts';
import { invalidArgument, ServingError } from '../util/status.ts';
import { ElementBudget, ElementLimitError, RowStacker, tensorFromJson } from './tensor-from-json.ts';

export type RequestFormat = 'row' | 'columnar';

export interface PredictInputs {
  readonly format: RequestFormat;
  readonly feeds: Map<string, Tensor>;
}

/** FormatError: the whole request echoed, then the complaint. */
export function documentError(doc: JsonValue, complaint: string): ServingError {
  return invalidArgument(`JSON Value: ${jsonDebugString(doc)} ${complaint}`);
}

/**
 * `doc` as parseJson makes it, with or without NumberRun nodes (`{ numberRuns: true }` is the fast
 * path). `bodyChars`: the request body's length, which bounds what it may decode to
 * (tensor-from-json.ts); `maxElements`: the server's --max_request_elements, all inputs together.
 */
export function predictInputsFromJson(doc: JsonObject, inputs: readonly TensorSpec[], bodyChars = Infinity, maxElements = Infinity): PredictInputs {
  const newBudget = () => new ElementBudget(Math.floor(bodyChars / 2) + 1, maxElements); // Infinity stays Infinity: no bound
  const budget = newBudget();
  const rows = doc.get('instances');
  if (rows !== undefined) {
    if (doc.has('inputs')) {
      throw documentError(doc, "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
    }
    if (rows instanceof NumberRun && inputs.length === 1) {
      const scalars = scalarRows(rows, inputs[0]!, newBudget());
      if (scalars) return { format: 'row', feeds: scalars };
    }
    const instances = asJsonArray(rows); // a list of scalars may be a NumberRun
    if (instances === undefined) throw documentError(doc, "Expecting 'instances' to be an list/array");
    if (instances.length === 0) throw documentError(doc, "No values in 'instances' array");
    return { format: 'row', feeds: rowFeeds(instances, inputs, budget) };
  }
  const columnar = doc.get('inputs');
  if (columnar !== undefined) return { format: 'columnar', feeds: columnarFeeds(columnar, inputs, budget) };
  throw invalidArgument("Missing 'inputs' or 'instances' key");
}

/**
 * `{"instances": [1, 2, …]}` to a one-input model: rows that are scalars stack into the list itself,
 * so the run is copied in one loop instead of becoming a row each. Undefined when a value is
 * refused: the row-by-row path then gives TF Serving's message, with the row's index.
 */
function scalarRows(run: NumberRun, spec: TensorSpec, budget: ElementBudget): Map<string, Tensor> | undefined {
  try {
    return new Map([[spec.name, tensorFromJson(run, spec, budget)]]);
  } catch (e) {
    if (e instanceof ElementLimitError || !(e instanceof ServingError)) throw e;
    return undefined;
  }
}

const isNamedObject = (v: JsonValue): v is JsonObject => v instanceof Map && b64Payload(v) === undefined;

function rowFeeds(instances: JsonValue[], inputs: readonly TensorSpec[], budget: ElementBudget): Map<string, Tensor> {
  const first = instances[0]!;
  // A b64 object is a value here (contract §5.2): it cannot name the inputs of a multi-input
  // signature, and letting it through left the other inputs without rows.
  if (!isNamedObject(first) && inputs.length > 1) {
    throw invalidArgument(
      'instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map',
    );
  }
  const stackers = new Map<string, RowStacker>();
  for (const spec of inputs) stackers.set(spec.name, new RowStacker(spec, instances.length, budget));
  if (isNamedObject(first)) {
    instances.forEach((item, i) => addNamedRow(item, i, inputs, stackers));
  } else {
    const stacker = stackers.get(inputs[0]!.name)!;
    instances.forEach((item, i) => {
      if (isNamedObject(item)) throw invalidArgument(`Expecting value/list but got object at item ${i} of input list`);
      try {
        stacker.add(i, item);
      } catch (e) {
        throw wrapRowError(e, `Failed to process element: ${i} of 'instances' list. Error: `);
      }
    });
  }
  const feeds = new Map<string, Tensor>();
  for (const [name, stacker] of stackers) feeds.set(name, stacker.finish());
  return feeds;
}

function addNamedRow(item: JsonValue, i: number, inputs: readonly TensorSpec[], stackers: Map<string, RowStacker>): void {
  if (!isNamedObject(item)) throw invalidArgument(`Expecting object but got list at item ${i} of input list`);
  for (const [key, value] of item) {
    const stacker = stackers.get(key);
    try {
      if (stacker === undefined) throw invalidArgument(`JSON object: does not have named input: ${key}`);
      stacker.add(i, value);
    } catch (e) {
      throw wrapRowError(e, `Failed to process element: ${i} key: ${key} of 'instances' list. Error: `);
    }
  }
  if (item.size !== inputs.length) {
    const names = inputs.map((s) => s.name).sort().join(',');
    throw invalidArgument(
      `Failed to process element: ${i} of 'instances' list. JSON object: ${jsonDebugString(item)} keys must be equal to: ${names}`,
    );
  }
}

function wrapRowError(e: unknown, prefix: string): unknown {
  return e instanceof ServingError && !(e instanceof ElementLimitError) ? invalidArgument(prefix + e.toStatusString()) : e;
}

function columnarFeeds(value: JsonValue, inputs: readonly TensorSpec[], budget: ElementBudget): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  if (!isNamedObject(value)) {
    if (inputs.length > 1) {
      throw invalidArgument(
        'inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map',
      );
    }
    const spec = inputs[0]!;
    feeds.set(spec.name, tensorFromJson(value, spec, budget));
    return feeds;
  }
  for (const spec of inputs) {
    const v = value.get(spec.name);
    if (v === undefined) throw invalidArgument(`Missing named input: ${spec.name} in 'inputs' object.`);
    feeds.set(spec.name, tensorFromJson(v, spec, budget));
  }
  return feeds;
}
