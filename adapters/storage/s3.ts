// A model repository in S3 or anything speaking its API (R2's S3 endpoint, MinIO, Ceph):
// `s3://bucket/prefix`. Credentials and region come from the AWS SDK's standard chain (env,
// profile, container/instance role); `endpoint` points at a non-AWS service.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { keyPrefix, NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo } from '../../functions/storage/model-store.ts';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix of the repository root inside the bucket ('' for the bucket root). */
  readonly prefix?: string;
  /** Per-request deadline; a slower store counts as unavailable. */
  readonly timeoutMs?: number;
  /** Passed to S3Client (endpoint, region, forcePathStyle, credentials …). */
  readonly client?: S3ClientConfig;
}

export class S3Store implements ModelStore {
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: S3StoreOptions) {
    this.client = new S3Client({
      // Checksums only where S3 requires them: some S3-compatible servers mishandle the rest.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      ...options.client,
    });
    this.prefix = keyPrefix(options.prefix);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  get description(): string {
    return `s3://${this.options.bucket}/${this.prefix}`;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(`list ${prefix || '/'}`, (signal) =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
          { abortSignal: signal },
        ),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        out.push({ key: o.Key.slice(this.prefix.length), etag: o.ETag ?? '', size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async get(key: string, ifNoneMatch?: string) {
    try {
      return await this.send(`read ${key}`, async (signal) => {
        const res = await this.client.send(
          new GetObjectCommand({ Bucket: this.options.bucket, Key: this.prefix + key, IfNoneMatch: ifNoneMatch }),
          { abortSignal: signal },
        );
        return { bytes: await res.Body!.transformToByteArray(), etag: res.ETag ?? '' };
      });
    } catch (e) {
      const status = httpStatus(e);
      if (status === 304) return NOT_MODIFIED;
      if (status === 404) return undefined;
      throw e;
    }
  }

  /** Runs one request under the deadline; transport failures become StoreUnavailableError. */
  private async send<T>(what: string, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await request(controller.signal);
    } catch (e) {
      const status = httpStatus(e);
      // "Not modified" and "no such key" are answers; anything else (NoSuchBucket too) is an outage.
      if (status === 304 || (status === 404 && !what.startsWith('list') && (e as { name?: string }).name !== 'NoSuchBucket')) throw e;
      const reason = controller.signal.aborted ? `timed out after ${this.timeoutMs} ms` : (e as Error).message || (e as Error).name;
      throw new StoreUnavailableError(`Cannot ${what} in ${this.description}: ${reason}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }
}

function httpStatus(e: unknown): number | undefined {
  if (e instanceof S3ServiceException || (typeof e === 'object' && e !== null && '$metadata' in e)) {
    return (e as S3ServiceException).$metadata?.httpStatusCode;
  }
  return undefined;
}
