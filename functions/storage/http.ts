// A read-only model repository over plain HTTP(S): a public bucket's website endpoint or a CDN.
// HTTP cannot list folders, so the repository publishes its listing as `index.json` at its root
// (`edgeserve index DIR` writes it):
//
//   { "objects": [ { "key": "half_plus_two/2/model.onnx", "etag": "\"…\"", "size": 184 }, … ] }
//
// Objects are fetched with If-None-Match, so an unchanged index costs a 304.
import { NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo } from './model-store.ts';

export const INDEX_FILE = 'index.json';

export interface HttpStoreOptions {
  readonly timeoutMs?: number;
  readonly headers?: Record<string, string>;
  readonly fetch?: typeof fetch;
}

export class HttpStore implements ModelStore {
  private readonly base: string;
  private index: { etag: string; objects: ObjectInfo[] } | undefined;

  constructor(baseUrl: string, private readonly options: HttpStoreOptions = {}) {
    this.base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  get description(): string {
    return this.base;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const got = await this.get(INDEX_FILE, this.index?.etag);
    if (got === undefined) throw new StoreUnavailableError(`${this.base}${INDEX_FILE} not found: an HTTP repository needs its index`);
    if (got !== NOT_MODIFIED) {
      let objects: ObjectInfo[];
      try {
        objects = parseIndex(new TextDecoder().decode(got.bytes));
      } catch (e) {
        throw new StoreUnavailableError(`${this.base}${INDEX_FILE} is not a valid index: ${(e as Error).message}`);
      }
      this.index = { etag: got.etag, objects };
    }
    return this.index!.objects.filter((o) => o.key.startsWith(prefix));
  }

  async get(key: string, ifNoneMatch?: string) {
    const res = await this.request(key, ifNoneMatch);
    if (res.status === 304) return NOT_MODIFIED;
    if (res.status === 404) return undefined;
    try {
      return { bytes: new Uint8Array(await res.arrayBuffer()), etag: res.headers.get('etag') ?? '' };
    } catch (e) {
      // The connection dropped (or timed out) mid-body: an outage, not a bad object.
      throw new StoreUnavailableError(`Cannot read ${this.base}${key}: ${(e as Error).message}`, { cause: e });
    }
  }

  private async request(key: string, ifNoneMatch?: string): Promise<Response> {
    const url = this.base + key.split('/').map(encodeURIComponent).join('/');
    const headers: Record<string, string> = { ...this.options.headers };
    if (ifNoneMatch) headers['If-None-Match'] = ifNoneMatch;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new StoreUnavailableError(`Cannot GET ${url}: ${(e as Error).message}`, { cause: e });
    }
    if (res.status !== 200 && res.status !== 304 && res.status !== 404) {
      await res.body?.cancel();
      throw new StoreUnavailableError(`GET ${url} answered ${res.status}`);
    }
    return res;
  }
}

/** Builds the index an HTTP repository publishes, from any store's listing. */
export function renderIndex(objects: readonly ObjectInfo[]): string {
  const listed = objects.filter((o) => o.key !== INDEX_FILE).map(({ key, etag, size }) => ({ key, etag, size }));
  return `${JSON.stringify({ objects: listed }, null, 1)}\n`;
}

function parseIndex(text: string): ObjectInfo[] {
  const doc = JSON.parse(text) as { objects?: unknown };
  if (!Array.isArray(doc.objects)) throw new Error('"objects" must be an array');
  return doc.objects.map((o, i) => {
    const { key, etag, size } = (o ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || typeof etag !== 'string' || typeof size !== 'number') {
      throw new Error(`objects[${i}] needs key, etag (strings) and size (number)`);
    }
    return { key, etag, size };
  });
}
