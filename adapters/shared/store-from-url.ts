// `--model_base_path` → a ModelStore on Node and Lambda: a folder, `s3://bucket/prefix`, or
// `http(s)://…`. (Workers have no filesystem and no AWS SDK: their store is built in
// adapters/workers/options.ts.)
import { HttpStore } from '../../functions/storage/http.ts';
import type { ModelStore } from '../../functions/storage/model-store.ts';
import { parseS3Url } from '../../functions/storage/model-store.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import { s3EndpointUrl } from '../../functions/options/s3-endpoint.ts';
import { FileSystemStore } from '../storage/fs.ts';
import { S3Store } from '../storage/s3.ts';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

export interface StoreOptions {
  /** An S3-compatible endpoint (MinIO, R2's S3 API); unset, the SDK's own AWS_ENDPOINT_URL still applies. */
  readonly s3Endpoint?: string;
  /** Unset: the SDK's region chain (AWS_REGION, the profile …). */
  readonly s3Region?: string;
  readonly s3ForcePathStyle?: boolean;
  /** TF Serving's S3_VERIFY_SSL=0: the endpoint's certificate is not checked (a self-signed MinIO). */
  readonly s3SkipCertificateCheck?: boolean;
  readonly timeoutMs?: number;
}

/** The storage options of the option table. */
export function storeOptionsFrom(values: OptionValues): StoreOptions {
  return {
    s3Endpoint: s3EndpointUrl(values.s3Endpoint, values.s3UseHttps),
    s3Region: values.s3Region ?? values.awsRegion,
    s3ForcePathStyle: values.s3ForcePathStyle,
    s3SkipCertificateCheck: values.s3VerifySsl === false,
    timeoutMs: values.storageTimeoutMs,
  };
}

/** The S3 client's settings for these options (the server's store and the CLI's writes use the same). */
export function s3ClientConfig(options: StoreOptions = {}): S3ClientConfig {
  return {
    ...(options.s3Endpoint ? { endpoint: options.s3Endpoint } : {}),
    ...(options.s3Region ? { region: options.s3Region } : {}),
    ...(options.s3ForcePathStyle ? { forcePathStyle: true } : {}),
    // The SDK takes its Node handler's options in place of a handler: no import of its internals.
    ...(options.s3SkipCertificateCheck ? { requestHandler: { httpsAgent: { rejectUnauthorized: false } } } : {}),
  };
}

export function storeFromUrl(location: string, options: StoreOptions = {}): ModelStore {
  if (location.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Url(location);
    return new S3Store({ bucket, prefix, timeoutMs: options.timeoutMs, client: s3ClientConfig(options) });
  }
  if (/^https?:\/\//.test(location)) return new HttpStore(location, { timeoutMs: options.timeoutMs });
  return new FileSystemStore(location);
}

/**
 * createEdgeserve's openStore: the store of a model whose config gives an absolute base_path (a
 * folder, `s3://…`, `https://…`), with the same storage options as the repository's.
 */
export function storeOpener(options: StoreOptions = {}): (location: string) => ModelStore {
  return (location) => storeFromUrl(location, options);
}
