// A model repository in a local folder (TF Serving's usual `--model_base_path`).
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { StoreUnavailableError, type ModelStore } from '../../functions/storage/model-store.ts';

export class FileSystemStore implements ModelStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get description(): string {
    return `file://${this.root}`;
  }

  async listChildren(prefix: string): Promise<string[]> {
    try {
      const entries = await readdir(this.path(prefix), { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (e) {
      if (isMissing(e)) return [];
      throw new StoreUnavailableError(`Cannot list ${prefix || '/'} in ${this.description}: ${(e as Error).message}`, { cause: e });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw new StoreUnavailableError(`Cannot read ${key} in ${this.description}: ${(e as Error).message}`, { cause: e });
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
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
