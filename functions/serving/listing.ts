// One listing of the repository, indexed for the questions the Source asks: which top-level
// folders hold version folders, and which files each version folder has. A version folder is a
// numeric child of a model folder (`007` is version 7); everything else is ignored.
import type { ObjectInfo } from '../storage/model-store.ts';

export const MODEL_FILE = 'model.onnx';
const VERSION_FOLDER = /^\d+$/;

/** One version folder as the listing shows it. */
export interface PresentVersion {
  readonly version: number;
  readonly folder: string;
  /** Every object in the version folder, by its path inside the folder (`model.onnx`, `assets.extra/warmup.json`). */
  readonly files: ReadonlyMap<string, ObjectInfo>;
}

/** A listing of the whole repository. */
export class RepositoryListing {
  private readonly byKey = new Map<string, ObjectInfo>();

  constructor(objects: readonly ObjectInfo[]) {
    for (const o of objects) this.byKey.set(o.key, o);
  }

  object(key: string): ObjectInfo | undefined {
    return this.byKey.get(key);
  }

  /** Top-level folders with at least one version folder in them. */
  modelFolders(): string[] {
    const found = new Set<string>();
    for (const key of this.byKey.keys()) {
      const parts = key.split('/');
      if (parts.length >= 3 && VERSION_FOLDER.test(parts[1]!)) found.add(parts[0]!);
    }
    return [...found];
  }

  /** Version folders at the top level: the listing is of one model's folder, not of a repository. */
  hasTopLevelVersions(): boolean {
    for (const key of this.byKey.keys()) if (VERSION_FOLDER.test(key.slice(0, key.indexOf('/')))) return true;
    return false;
  }

  /** Nothing at all was listed. */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  /**
   * Version number → its folder, under `basePath`. When two folders parse to one number (`7`,
   * `007`), the last in sorted order wins, as in TF Serving.
   */
  versions(basePath: string): Map<number, PresentVersion> {
    const prefix = basePath === '' ? '' : `${basePath}/`; // '': the listing is of one model's own folder
    const folders = new Map<string, Map<string, ObjectInfo>>();
    for (const [key, info] of this.byKey) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) continue;
      const folder = rest.slice(0, slash);
      if (!VERSION_FOLDER.test(folder)) continue;
      let files = folders.get(folder);
      if (!files) folders.set(folder, (files = new Map()));
      files.set(rest.slice(slash + 1), info);
    }
    const versions = new Map<number, PresentVersion>();
    for (const folder of [...folders.keys()].sort()) {
      const version = Number(folder);
      if (Number.isSafeInteger(version)) versions.set(version, { version, folder, files: folders.get(folder)! });
    }
    return versions;
  }
}
