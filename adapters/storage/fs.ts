// A model repository in a local folder (TF Serving's usual `--model_base_path`). ETags are the
// file's size and modification time: enough to notice a replaced file without reading it.
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo } from '../../functions/storage/model-store.ts';

export class FileSystemStore implements ModelStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get description(): string {
    return `file://${this.root}`;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk from the deepest folder the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const out: ObjectInfo[] = [];
    // A missing repository root is an outage (a remount, a swapped directory), never "no models":
    // that would unload everything, where TF Serving keeps what it has.
    await stat(this.root).catch((e: unknown) => {
      throw this.unavailable('list', prefix, e);
    });
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e)) return;
        throw this.unavailable('list', prefix, e);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        // stat follows symlinks (ConfigMap mounts and the like link their files and folders).
        const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
        if (info?.isDirectory()) await walk(full);
        else if (info?.isFile()) {
          const key = relative(this.root, full).split(sep).join('/');
          if (!key.startsWith(prefix)) continue;
          const stats = await stat(full).catch(() => undefined);
          if (stats) out.push({ key, etag: etagOf(stats), size: stats.size });
        }
      }
    };
    await walk(this.path(folder));
    return out;
  }

  async get(key: string, ifNoneMatch?: string) {
    try {
      const path = this.path(key);
      const before = await stat(path);
      const etag = etagOf(before);
      if (ifNoneMatch === etag) return NOT_MODIFIED;
      return { bytes: new Uint8Array(await readFile(path)), etag };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw this.unavailable('read', key, e);
    }
  }

  /** Keys never escape the root, whatever a model name or config says. */
  private path(key: string): string {
    const full = resolve(join(this.root, key));
    if (full !== this.root && !full.startsWith(this.root + sep)) {
      throw new StoreUnavailableError(`Key ${key} is outside the repository`);
    }
    return full;
  }

  private unavailable(what: string, key: string, e: unknown): StoreUnavailableError {
    if (e instanceof StoreUnavailableError) return e;
    return new StoreUnavailableError(`Cannot ${what} ${key || '/'} in ${this.description}: ${(e as Error).message}`, { cause: e });
  }
}

function etagOf(info: Stats): string {
  return `"${info.size.toString(16)}-${Math.floor(info.mtimeMs * 1000).toString(16)}"`;
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
