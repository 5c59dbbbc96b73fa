// An S3 repository over plain fetch with SigV4 signing (aws4fetch, WebCrypto): S3, R2's S3 API,
// MinIO and friends from any runtime, Workers included, where the AWS SDK's Node runtime does not
// load. Node and Lambda use the SDK store (adapters/storage/s3.ts) for its credential chain.
import { AwsClient } from 'aws4fetch';
import { keyPrefix, NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo } from './model-store.ts';

export interface S3FetchStoreOptions {
  readonly bucket: string;
  readonly prefix?: string;
  /** e.g. `https://<account>.r2.cloudflarestorage.com` or `http://127.0.0.1:9000`; default AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO and most S3 clones). */
  readonly forcePathStyle?: boolean;
  readonly timeoutMs?: number;
}

export class S3FetchStore implements ModelStore {
  private readonly client: AwsClient;
  private readonly prefix: string;
  private readonly base: string;

  constructor(private readonly options: S3FetchStoreOptions) {
    const region = options.region ?? 'us-east-1';
    this.client = new AwsClient({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
      service: 's3',
      region,
      retries: 0,
    });
    this.prefix = keyPrefix(options.prefix);
    const endpoint = (options.endpoint ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, '');
    this.base = options.forcePathStyle || options.endpoint
      ? `${endpoint}/${options.bucket}`
      : `https://${options.bucket}.s3.${region}.amazonaws.com`;
  }

  get description(): string {
    return `s3://${this.options.bucket}/${this.prefix}`;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      // RFC 3986 encoding (%20, not URLSearchParams' "+"), which is what SigV4 signs.
      const query = [['list-type', '2'], ['prefix', this.prefix + prefix], ...(token ? [['continuation-token', token]] : [])]
        .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
        .join('&');
      const xml = await this.request(`list ${prefix || '/'}`, `${this.base}?${query}`, undefined, async (res) => {
        if (res.status !== 200) throw new Error(`answered ${res.status}`);
        return res.text();
      });
      for (const contents of xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? []) {
        const key = xmlText(contents, 'Key');
        if (key === undefined) continue;
        out.push({ key: key.slice(this.prefix.length), etag: xmlText(contents, 'ETag') ?? '', size: Number(xmlText(contents, 'Size') ?? 0) });
      }
      token = xmlText(xml, 'IsTruncated') === 'true' ? xmlText(xml, 'NextContinuationToken') : undefined;
    } while (token);
    return out;
  }

  async get(key: string, ifNoneMatch?: string) {
    return this.request(`read ${key}`, this.url(key), ifNoneMatch, async (res) => {
      if (res.status === 304) return NOT_MODIFIED;
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`answered ${res.status}`);
      return { bytes: new Uint8Array(await res.arrayBuffer()), etag: res.headers.get('etag') ?? '' };
    });
  }

  private url(key: string): string {
    return `${this.base}/${(this.prefix + key).split('/').map(encodeURIComponent).join('/')}`;
  }

  /** One signed request, read to the end inside the deadline; any failure is an outage. */
  private async request<T>(what: string, url: string, ifNoneMatch: string | undefined, read: (res: Response) => Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      const res = await this.client.fetch(url, {
        headers: ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      return await read(res);
    } catch (e) {
      const reason = (e as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e as Error).message;
      throw new StoreUnavailableError(`Cannot ${what} in ${this.description}: ${reason}`, { cause: e });
    }
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1]!.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}
