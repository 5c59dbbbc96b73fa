// A model repository in a local folder (TF Serving's usual `--model_base_path`). ETags are the
// file's size and modification time: enough to notice a replaced file without reading it.
//
// The listing follows symbolic links (ConfigMap mounts link their files and folders, operators
// link model and version folders from elsewhere), so it must guard against what links allow: a
// link back to a folder already on the path (`ln -s . r/a`) would otherwise be walked without end,
// and the first listing — and with it the server's start — would never finish. Each folder entered
// is known by its device and inode; one that is already on the path is skipped and logged once.
// The walk also goes only as deep as the layout needs (see mayEnter).
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { NOT_MODIFIED, StoreUnavailableError, type ModelStore, type ObjectInfo } from '../../functions/storage/model-store.ts';
import { consoleLogger, type Logger } from '../../functions/util/log.ts';

/** Folders above a version folder: `<model>`, or a relative base_path such as `team/mnist`. */
export const MAX_MODEL_PATH_DEPTH = 4;
/** Folders inside a version folder: `assets.extra/`, external-data folders and the like. */
export const MAX_VERSION_DEPTH = 8;
/** A version folder, as functions/serving/listing.ts recognises it. */
const VERSION_FOLDER = /^\d+$/;
/** Skipped folders are logged once each; a repository full of them must not grow this set forever. */
const MAX_REPORTED_SKIPS = 256;

export interface FileSystemStoreOptions {
  /** Where skipped folders (link cycles, folders deeper than the layout) are reported. */
  readonly logger?: Logger;
}

/**
 * Whether the walk enters a folder at this path below the root. The layout is
 * `<root>/<file>`, `<root>/<model>/<version>/…` (a model may sit deeper through a relative
 * base_path) and `<root>/<version>/…` when the root is one model's own folder: any depth inside a
 * version folder up to MAX_VERSION_DEPTH, up to MAX_MODEL_PATH_DEPTH folders above it.
 */
export function mayEnter(segments: readonly string[]): boolean {
  const version = segments.findIndex((s) => VERSION_FOLDER.test(s));
  if (version < 0) return segments.length <= MAX_MODEL_PATH_DEPTH;
  return version <= MAX_MODEL_PATH_DEPTH && segments.length - version - 1 <= MAX_VERSION_DEPTH;
}

export class FileSystemStore implements ModelStore {
  private readonly root: string;
  private readonly logger: Logger;
  private readonly reported = new Set<string>();

  constructor(root: string, options: FileSystemStoreOptions = {}) {
    this.root = resolve(root);
    this.logger = options.logger ?? consoleLogger;
  }

  get description(): string {
    return `file://${this.root}`;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk from the deepest folder the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = this.path(folder);
    const out: ObjectInfo[] = [];
    // A missing repository root is an outage (a remount, a swapped directory), never "no models":
    // that would unload everything, where TF Serving keeps what it has.
    const rootInfo = await stat(this.root).catch((e: unknown) => {
      throw this.unavailable('list', prefix, e);
    });
    let startInfo: Stats;
    try {
      startInfo = folder === '' ? rootInfo : await stat(start);
    } catch (e) {
      if (isMissing(e)) return out;
      throw this.unavailable('list', prefix, e);
    }
    if (!startInfo.isDirectory()) return out;
    const onPath = new Set([identity(rootInfo), identity(startInfo)]);
    const walk = async (dir: string, segments: readonly string[]): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e)) return;
        throw this.unavailable('list', prefix, e);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const path = [...segments, entry.name];
        const key = path.join('/');
        // stat follows links; a dangling or looping link (ELOOP) is nothing, as `ls -L` shows it.
        const info = entry.isDirectory() || entry.isFile() || entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : undefined;
        if (info?.isDirectory()) {
          if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue;
          if (!mayEnter(path)) {
            this.skipped(key, 'deeper than the repository layout');
            continue;
          }
          const id = identity(info);
          if (onPath.has(id)) {
            this.skipped(key, 'links to a folder that contains it');
            continue;
          }
          onPath.add(id);
          try {
            await walk(full, path);
          } finally {
            onPath.delete(id);
          }
        } else if (info?.isFile() && key.startsWith(prefix)) {
          out.push({ key, etag: etagOf(info), size: info.size });
        }
      }
    };
    await walk(start, folder === '' ? [] : folder.split('/').filter((s) => s !== ''));
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

  /** Once per folder and store: a refresh every 30 s must not repeat the same line forever. */
  private skipped(key: string, reason: string): void {
    if (this.reported.has(key) || this.reported.size >= MAX_REPORTED_SKIPS) return;
    this.reported.add(key);
    this.logger.log('warn', 'repository_folder_skipped', { repository: this.description, folder: key, reason });
  }

  private unavailable(what: string, key: string, e: unknown): StoreUnavailableError {
    if (e instanceof StoreUnavailableError) return e;
    return new StoreUnavailableError(`Cannot ${what} ${key || '/'} in ${this.description}: ${(e as Error).message}`, { cause: e });
  }
}

/** A folder's identity, whatever path or link reached it (bind mounts included). */
function identity(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

function etagOf(info: Stats): string {
  return `"${info.size.toString(16)}-${Math.floor(info.mtimeMs * 1000).toString(16)}"`;
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
