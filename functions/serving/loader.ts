// TF Serving's Loader: bytes from the store → a ready Servable, or a load error with a TF code.
import type { InferenceBackend } from '../runtime/backend.ts';
import { ServingError } from '../rest/status.ts';
import { StoreUnavailableError, type ModelStore } from '../storage/model-store.ts';
import type { ModelConfig } from './model-config.ts';
import { Servable } from './servable.ts';

export const MODEL_FILE = 'model.onnx';

export class Loader {
  constructor(
    private readonly store: ModelStore,
    private readonly backend: InferenceBackend,
  ) {}

  async load(model: ModelConfig, version: number, folder: string): Promise<Servable> {
    const key = `${model.basePath}/${folder}/${MODEL_FILE}`;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.store.get(key);
    } catch (e) {
      if (e instanceof StoreUnavailableError) throw new ServingError('UNAVAILABLE', e.message);
      throw e;
    }
    if (bytes === undefined) throw new ServingError('NOT_FOUND', `No ${MODEL_FILE} found at ${key}`);
    let session;
    try {
      session = await this.backend.createSession(bytes);
    } catch (e) {
      throw new ServingError('DATA_LOSS', `Failed to load ONNX model ${key} with ${this.backend.name}: ${errorText(e)}`);
    }
    return new Servable(model.name, version, session, bytes.byteLength);
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
