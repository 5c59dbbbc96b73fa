// `--model_base_path` → a ModelStore: a folder, `s3://bucket/prefix`, or `http(s)://…`.
import { HttpStore } from '../../functions/storage/http.ts';
import type { ModelStore } from '../../functions/storage/model-store.ts';
import { FileSystemStore } from '../storage/fs.ts';
import { parseS3Url } from '../../functions/storage/model-store.ts';
import { S3Store } from '../storage/s3.ts';

export interface StoreOptions {
  /** An S3-compatible endpoint (MinIO, R2's S3 API); the SDK's own AWS_ENDPOINT_URL works too. */
  readonly s3Endpoint?: string;
  readonly s3ForcePathStyle?: boolean;
  readonly timeoutMs?: number;
}

export function storeFromUrl(location: string, options: StoreOptions = {}): ModelStore {
  if (location.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Url(location);
    return new S3Store({
      bucket,
      prefix,
      timeoutMs: options.timeoutMs,
      client: {
        ...(options.s3Endpoint ? { endpoint: options.s3Endpoint } : {}),
        ...(options.s3ForcePathStyle ? { forcePathStyle: true } : {}),
      },
    });
  }
  if (/^https?:\/\//.test(location)) return new HttpStore(location, { timeoutMs: options.timeoutMs });
  return new FileSystemStore(location);
}
