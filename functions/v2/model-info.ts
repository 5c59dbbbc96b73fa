// The protocol's health and metadata answers: server metadata (name, version, the extensions
// implemented), liveness, readiness (the Manager's: every model that has versions serves one), a
// model's readiness and its metadata (platform "onnx", V2 datatypes, -1 for a dynamic dim).
import type { Manager } from '../serving/manager.ts';
import type { VersionSelector } from '../serving/servable-request.ts';
import type { ServingScope } from '../serving/serving-scope.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';
import { DEFAULT_SIGNATURE } from '../serving/servable.ts';
import { ServingError } from '../util/status.ts';
import { v2Datatype } from './datatype.ts';
import { v2Dim } from './infer-inputs.ts';

/** The package's version (test/v2 checks it against package.json: functions/ reads no files). */
export const SERVER_VERSION = '0.1.0';
export const EXTENSIONS = ['binary_tensor_data', 'model_repository'] as const;

export function serverMetadata(): string {
  return JSON.stringify({ name: 'edgeserve', version: SERVER_VERSION, extensions: EXTENSIONS });
}

/** Whether the model (or that version of it) is AVAILABLE now; unknown model or version: 404. */
export async function modelReady(manager: Manager, model: string, selector: VersionSelector, scope: ServingScope): Promise<boolean> {
  if (selector.kind === 'label') return false; // V2 has no labels; the grammar never makes one
  const versions = await manager.status(model, selector.kind === 'version' ? selector.version : undefined, scope);
  return versions.some((v) => v.state === 'AVAILABLE');
}

/** Model metadata, from the version a request like this would be served by (loaded if cold, as TF Serving's). */
export async function modelMetadata(manager: Manager, model: string, selector: VersionSelector, scope: ServingScope): Promise<string> {
  const handle = await manager.acquire(model, selector, scope);
  const { servable } = handle;
  handle.release(); // what is read below (version, signature) outlives the session
  const signature = servable.signatures.get(DEFAULT_SIGNATURE)!;
  const versions = selector.kind === 'version' ? [servable.version] : (await manager.status(model, undefined, scope)).filter((v) => v.state !== 'END').map((v) => v.version);
  return JSON.stringify({
    name: model,
    versions: versions.map(String),
    platform: 'onnx',
    inputs: signature.inputs.map(tensorMetadata),
    outputs: signature.outputs.map(tensorMetadata),
  });
}

function tensorMetadata(spec: TensorSpec) {
  if (spec.dtype === undefined) {
    throw new ServingError('UNIMPLEMENTED', `Tensor '${spec.name}' has element type ${spec.runtimeType}, which the V2 datatypes cannot carry`);
  }
  return { name: spec.name, datatype: v2Datatype(spec.dtype), shape: spec.dims === undefined ? [-1] : spec.dims.map(v2Dim) };
}
