// An in-memory ModelStore for tests (TF Serving keeps its fakes in core/test_util/): a repository
// that a test writes to directly, and that can fail or stall on cue, which a real folder or S3
// server cannot do between two requests.
//
//   const store = new MemoryStore();
//   store.put('half_plus_two/1/model.onnx', bytes);   // a new ETag on every put, same bytes or not
//   store.down = true;                                // every call rejects: StoreUnavailableError
//   store.hold('half_plus_two/1/model.onnx');          // reads of that key wait …
//   store.resume();                                   // … until resumed (then read what is there)
//   store.lists; store.gets; store.getsOf(key)         // calls so far, failed ones included
import { NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo, type StoredObject } from '../../functions/storage/model-store.ts';

export class MemoryStore implements ModelStore {
  readonly description: string;
  /** Set to simulate an outage: every list and get rejects with StoreUnavailableError. */
  down = false;
  /** list() calls so far. */
  lists = 0;
  /** get() calls so far, of every key. */
  gets = 0;

  private readonly objects = new Map<string, StoredObject>();
  private readonly getsByKey = new Map<string, number>();
  private readonly held = new Set<string>();
  private waiting: { key: string; go: () => void }[] = [];
  private generation = 0;

  constructor(description = 'memory://test') {
    this.description = description;
  }

  /** Writes (or replaces) an object; returns its new ETag. Strings are stored as UTF-8. */
  put(key: string, bytes: Uint8Array | string): string {
    // A counter, not a hash: a re-upload of the same bytes is still a new object, as on S3 with
    // versioning or a file with a new mtime.
    const etag = `"mem-${++this.generation}"`;
    this.objects.set(key, { bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, etag });
    return etag;
  }

  /** Deletes an object; absent keys are ignored. */
  remove(key: string): void {
    this.objects.delete(key);
  }

  /** Every key stored, sorted: for assertions on what a helper wrote. */
  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  /** Reads of these keys wait from now on until resume(): a store that stalls on one object. */
  hold(...keys: string[]): void {
    for (const key of keys) this.held.add(key);
  }

  /** Lets waiting reads of these keys (of every held key when none is named) go on, and stops holding them. */
  resume(...keys: string[]): void {
    const released = (key: string) => keys.length === 0 || keys.includes(key);
    for (const key of [...this.held]) if (released(key)) this.held.delete(key);
    const go = this.waiting.filter((w) => released(w.key));
    this.waiting = this.waiting.filter((w) => !released(w.key));
    for (const w of go) w.go();
  }

  /** Reads that are waiting on a held key right now. */
  get stalled(): number {
    return this.waiting.length;
  }

  /** get() calls of one key so far. */
  getsOf(key: string): number {
    return this.getsByKey.get(key) ?? 0;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    this.lists++;
    await this.reachable(`list ${prefix || '/'}`);
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, o]) => ({ key, etag: o.etag, size: o.bytes.byteLength }));
  }

  async get(key: string, ifNoneMatch?: string): Promise<StoredObject | undefined | typeof NOT_MODIFIED> {
    this.gets++;
    this.getsByKey.set(key, this.getsOf(key) + 1);
    if (this.held.has(key)) await new Promise<void>((go) => this.waiting.push({ key, go }));
    await this.reachable(`read ${key}`);
    const o = this.objects.get(key);
    if (o === undefined) return undefined;
    if (ifNoneMatch === o.etag) return NOT_MODIFIED;
    // A copy, as a real store hands out fresh bytes: a caller that mutates them changes nothing here.
    return { bytes: o.bytes.slice(), etag: o.etag };
  }

  /** Answers asynchronously, as every real store does, and fails while the store is down. */
  private async reachable(what: string): Promise<void> {
    await Promise.resolve();
    if (this.down) throw new StoreUnavailableError(`Cannot ${what} in ${this.description}: connection refused (simulated outage)`);
  }
}
