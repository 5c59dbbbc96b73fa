/**
 * The port every model repository implements: a local folder, S3, R2, plain HTTPS. Keys are
 * `/`-separated paths relative to the repository root, e.g. `half_plus_two/2/model.onnx`.
 */
export interface ModelStore {
  /** Where the models come from, for logs (never credentials). */
  readonly description: string;
  /** Names of the direct children ("folders" and objects) under `prefix`; [] if there is none. */
  listChildren(prefix: string): Promise<string[]>;
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
}

/** The store could not be reached or answered with an error (as opposed to "no such object"). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
