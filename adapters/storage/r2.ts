// A model repository in a Cloudflare R2 bucket, through the Worker's binding (no credentials, no
// egress). The binding's API is declared here structurally, so this file needs no Workers types.
import { keyPrefix, NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo } from '../../functions/storage/model-store.ts';

interface R2ObjectLike {
  readonly key: string;
  readonly httpEtag: string;
  readonly size: number;
}
interface R2ObjectBodyLike extends R2ObjectLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}
/** The subset of the R2Bucket binding edgeserve uses. */
export interface R2BucketLike {
  list(options: { prefix?: string; cursor?: string }): Promise<{ objects: R2ObjectLike[]; truncated: boolean; cursor?: string }>;
  get(key: string, options?: { onlyIf?: { etagDoesNotMatch: string } }): Promise<R2ObjectBodyLike | R2ObjectLike | null>;
}

export class R2Store implements ModelStore {
  private readonly prefix: string;

  constructor(
    private readonly bucket: R2BucketLike,
    prefix = '',
    private readonly name = 'MODELS',
  ) {
    this.prefix = keyPrefix(prefix);
  }

  get description(): string {
    return `r2://${this.name}/${this.prefix}`;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call(`list ${prefix || '/'}`, () => this.bucket.list({ prefix: this.prefix + prefix, cursor }));
      for (const o of page.objects) out.push({ key: o.key.slice(this.prefix.length), etag: o.httpEtag, size: o.size });
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return out;
  }

  async get(key: string, ifNoneMatch?: string) {
    // R2 compares unquoted ETags; ours are the quoted HTTP form, as S3 and HTTP stores give them.
    const onlyIf = ifNoneMatch ? { etagDoesNotMatch: ifNoneMatch.replace(/^"|"$/g, '') } : undefined;
    return this.call(`read ${key}`, async () => {
      const object = await this.bucket.get(this.prefix + key, onlyIf ? { onlyIf } : undefined);
      if (object === null) return undefined;
      // A failed precondition returns the object's metadata without a body.
      if (!('arrayBuffer' in object)) return NOT_MODIFIED;
      return { bytes: new Uint8Array(await object.arrayBuffer()), etag: object.httpEtag };
    });
  }

  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw new StoreUnavailableError(`Cannot ${what} in ${this.description}: ${(e as Error).message}`, { cause: e });
    }
  }
}
