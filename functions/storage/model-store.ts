// The port every model repository implements: a local folder, S3 (and anything speaking its API:
// R2, MinIO), the R2 binding, plain HTTPS. Keys are `/`-separated and relative to the repository
// root, e.g. `half_plus_two/2/model.onnx`.

export interface ObjectInfo {
  readonly key: string;
  /** Changes whenever the object's bytes change (S3's quoted MD5, a file's size+mtime, …). */
  readonly etag: string;
  readonly size: number;
}

export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly etag: string;
}

/** A conditional read found the object unchanged. */
export const NOT_MODIFIED = Symbol('not modified');

export interface ModelStore {
  /** Where the models come from, for logs (never credentials). */
  readonly description: string;
  /** Every object whose key starts with `prefix` (all depths), in one listing. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /**
   * The object, undefined when it does not exist, or NOT_MODIFIED when `ifNoneMatch` is its
   * current ETag (a conditional GET: the bytes are not transferred).
   */
  get(key: string, ifNoneMatch?: string): Promise<StoredObject | undefined | typeof NOT_MODIFIED>;
}

/** The store could not be reached, timed out, or refused us (as opposed to "no such object"). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Reads an object that must exist and has no condition: bytes, or undefined if missing. */
export async function getBytes(store: ModelStore, key: string): Promise<Uint8Array | undefined> {
  const got = await store.get(key);
  return got === undefined || got === NOT_MODIFIED ? undefined : got.bytes;
}

/** A repository's folder inside a bucket as a key prefix: '' or `folder/`. */
export function keyPrefix(folder: string | undefined): string {
  return folder ? `${folder.replace(/\/+$/, '')}/` : '';
}

/** Parses `s3://bucket/some/prefix`. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`Not an s3:// URL: ${url}`);
  return { bucket: m[1]!, prefix: m[2]!.replace(/\/+$/, '') };
}
