// :classify and :regress. TF Serving validates the whole tf.Example request before it looks at the
// model, then checks the signature's shape. ONNX models have no tf.Example-parsing signature, so a
// request that passes every check TF Serving makes ends in an honest UNIMPLEMENTED (onnxruntime
// carries string tensors as text and cannot take serialized protobufs).
import type { Manager } from '../serving/manager.ts';
import type { ServingScope } from '../serving/serving-scope.ts';
import { DEFAULT_SIGNATURE } from '../serving/servable.ts';
import { decodeBase64 } from '../codec/base64.ts';
import { documentError } from '../codec/predict-request.ts';
import { b64Payload, isJsonObject, JsonInt, jsonTypeName, type JsonObject, type JsonValue } from '../util/json/value.ts';
import { signatureDebugString } from './model-status.ts';
import { invalidArgument, ServingError } from '../util/status.ts';
import type { VersionSelector } from '../serving/servable-request.ts';

type FeatureKind = 'bytes' | 'float' | 'int64';
const INT64_MAX = 2n ** 63n - 1n;

export async function classifyOrRegress(
  api: 'classify' | 'regress',
  doc: JsonObject,
  signatureName: string,
  manager: Manager,
  model: string,
  selector: VersionSelector,
  scope?: ServingScope,
): Promise<never> {
  validateExamples(doc);
  const handle = await manager.acquire(model, selector, scope);
  const { servable } = handle;
  handle.release(); // only the signature is read: nothing runs
  const name = signatureName || DEFAULT_SIGNATURE;
  const signature = servable.signatures.get(name);
  if (signature === undefined) throw invalidArgument(`No signature was found with the name: ${name}`);
  if (signature.inputs.length !== 1) throw invalidArgument('Expected one input Tensor.');
  const outputs = signature.outputs.length;
  if (api === 'classify' && outputs !== 1 && outputs !== 2) {
    throw invalidArgument(`Expected one or two output Tensors, found ${outputs}`);
  }
  if (api === 'regress' && outputs !== 1) throw invalidArgument('Expected one output Tensor.');
  if (signature.inputs[0]!.name !== 'inputs') {
    const what = api === 'classify' ? 'classification' : 'regression';
    throw invalidArgument(`No ${what} inputs found in SignatureDef: ${signatureDebugString(signature)}`);
  }
  throw new ServingError(
    'UNIMPLEMENTED',
    `${api} needs serialized tf.Example inputs, which ONNX models served by edgeserve cannot take; use :predict`,
  );
}

function validateExamples(doc: JsonObject): void {
  const context = doc.get('context');
  if (context !== undefined) validateExample(context);
  const examples = doc.get('examples');
  if (examples === undefined) {
    throw documentError(doc, "When method is classify, key 'examples' is expected and was not found");
  }
  if (!Array.isArray(examples)) throw documentError(doc, "Expecting 'examples' value to be an list/array");
  if (examples.length === 0) throw documentError(doc, "'examples' value is an empty array");
  for (const example of examples) validateExample(example);
}

function validateExample(example: JsonValue): void {
  if (!isJsonObject(example)) throw invalidArgument(`Example must be JSON object but got JSON ${jsonTypeName(example)}`);
  for (const [feature, value] of example) {
    let kind: FeatureKind | undefined;
    for (const element of Array.isArray(value) ? value : [value]) {
      const k = featureKind(feature, element);
      if (kind !== undefined && k !== kind) {
        throw invalidArgument(`Unexpected element type in feature: ${feature} expecting type: ${kind}`);
      }
      kind = k;
    }
  }
}

function featureKind(feature: string, element: JsonValue): FeatureKind {
  if (typeof element === 'string') return 'bytes';
  if (typeof element === 'boolean') return 'int64';
  if (typeof element === 'number') return 'float';
  if (element instanceof JsonInt) {
    if (element.toBigInt() > INT64_MAX) {
      throw invalidArgument(`Feature: ${feature} has uint64_t element. Only int64_t is supported.`);
    }
    return 'int64';
  }
  const payload = element === null || Array.isArray(element) ? undefined : b64Payload(element);
  if (payload === undefined) {
    throw invalidArgument(`Feature: ${feature} has element with unexpected JSON type: ${jsonTypeName(element)}`);
  }
  if (decodeBase64(payload) === undefined) throw invalidArgument('Unable to base64 decode');
  return 'bytes';
}
