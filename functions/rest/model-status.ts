// GET status and metadata, printed as TF Serving prints them: protobuf's JSON printer with
// whitespace (one-space indent), int64 fields as strings, and metadata's odd concatenated frame.
import type { TensorSpec } from '../tensor/tensor-spec.ts';
import type { Manager, VersionStatus } from '../serving/manager.ts';
import type { ServingScope } from '../serving/serving-scope.ts';
import type { Signature } from '../serving/servable.ts';
import { tfDataTypeName } from '../tensor/dtype.ts';
import type { VersionSelector } from '../serving/servable-request.ts';

export async function modelStatusBody(manager: Manager, model: string, selector: VersionSelector, scope?: ServingScope): Promise<string> {
  // Labels are ignored by GetModelStatus: only a version narrows the answer.
  const versions = await manager.status(model, selector.kind === 'version' ? selector.version : undefined, scope);
  const body = {
    model_version_status: versions.map(versionStatusJson),
  };
  return JSON.stringify(body, null, 1);
}

/**
 * GET /v1/models, which TF Serving lacks (tensorflow/serving#795): every model the caller may use,
 * by name, each with its GetModelStatus versions; a model with no versions lists none.
 */
export async function modelListBody(manager: Manager, scope: ServingScope & { mayUse(model: string): boolean }): Promise<string> {
  await manager.status('', undefined, scope).catch(() => {}); // the first listing (an unknown name fails)
  const names = manager.modelConfigs().map((c) => c.name).filter((name) => scope.mayUse(name)).sort();
  const models = await Promise.all(
    names.map(async (name) => {
      const versions = await manager.status(name, undefined, scope).catch(() => []);
      return { name, model_version_status: versions.map(versionStatusJson) };
    }),
  );
  return JSON.stringify({ models }, null, 1);
}

function versionStatusJson(v: VersionStatus) {
  return { version: String(v.version), state: v.state, status: { error_code: v.errorCode, error_message: v.errorMessage } };
}

export async function modelMetadataBody(manager: Manager, model: string, selector: VersionSelector, scope?: ServingScope): Promise<string> {
  const handle = await manager.acquire(model, selector, scope);
  const { servable } = handle;
  handle.release(); // what is read below (version, signatures) outlives the session
  const spec = { name: model, signature_name: '', version: String(servable.version) };
  const signatureDefs: Record<string, unknown> = {};
  for (const [name, signature] of servable.signatures) signatureDefs[name] = signatureDefJson(signature);
  return (
    `{\n"model_spec":${JSON.stringify(spec, null, 1)}` +
    `,\n"metadata": {"signature_def": ${JSON.stringify({ signature_def: signatureDefs }, null, 1)}}\n}\n`
  );
}

function signatureDefJson(signature: Signature) {
  return {
    inputs: tensorInfoMap(signature.inputs),
    outputs: tensorInfoMap(signature.outputs),
    method_name: signature.methodName,
    defaults: {},
  };
}

function tensorInfoMap(specs: readonly TensorSpec[]) {
  return Object.fromEntries(specs.map((s) => [s.name, tensorInfo(s)]));
}

/** onnxruntime-web reports an unnamed dynamic dim as 2^32-1 (-1 read unsigned), ort-node as "". */
const UNSIGNED_MINUS_ONE = 4294967295;

function tensorInfo(spec: TensorSpec) {
  const shape =
    spec.dims === undefined
      ? { dim: [], unknown_rank: true }
      : {
          dim: spec.dims.map((d) =>
            typeof d === 'number' && d >= 0 && d !== UNSIGNED_MINUS_ONE
              ? { size: String(d), name: '' }
              : { size: '-1', name: typeof d === 'string' ? d : '' },
          ),
          unknown_rank: false,
        };
  return {
    dtype: spec.dtype === undefined ? 'DT_INVALID' : tfDataTypeName(spec.dtype),
    tensor_shape: shape,
    name: `${spec.name}:0`,
  };
}

/** The SignatureDef as protobuf's DebugString prints it, for classify/regress error texts. */
export function signatureDebugString(signature: Signature): string {
  const info = (field: string, specs: readonly TensorSpec[]) =>
    specs
      .map((s) => {
        const dims = (s.dims ?? []).map((d) => `      dim {\n        size: ${typeof d === 'number' && d !== UNSIGNED_MINUS_ONE ? d : -1}\n      }\n`).join('');
        const shape = s.dims === undefined ? '      unknown_rank: true\n' : dims;
        return (
          `${field} {\n  key: "${s.name}"\n  value {\n    name: "${s.name}:0"\n` +
          `    dtype: ${s.dtype === undefined ? 'DT_INVALID' : tfDataTypeName(s.dtype)}\n` +
          `    tensor_shape {\n${shape}    }\n  }\n}\n`
        );
      })
      .join('');
  return `${info('inputs', signature.inputs)}${info('outputs', signature.outputs)}method_name: "${signature.methodName}"\n`;
}
