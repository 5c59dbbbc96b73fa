// TF Serving's Source: what the repository holds. Models are the folders at the root (plus any the
// config names), versions are the numeric folders under a model's base path; nothing else counts.
import type { ModelStore } from '../storage/model-store.ts';
import { CONFIG_FILE, parseRepositoryConfig, type RepositoryConfig } from './model-config.ts';

const VERSION_FOLDER = /^\d+$/;

export class Source {
  constructor(readonly store: ModelStore) {}

  /** The repository's config file, or undefined when it has none. Throws ConfigError if invalid. */
  async config(): Promise<RepositoryConfig | undefined> {
    const bytes = await this.store.get(CONFIG_FILE);
    return bytes === undefined ? undefined : parseRepositoryConfig(new TextDecoder().decode(bytes));
  }

  modelFolders(): Promise<string[]> {
    return this.store.listChildren('');
  }

  /** Version number → folder name. When two folders parse to one number (`7`, `007`), the last in sorted order wins, as in TF Serving. */
  async versions(basePath: string): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    for (const name of (await this.store.listChildren(basePath)).sort()) {
      if (!VERSION_FOLDER.test(name)) continue;
      const version = Number(name);
      if (Number.isSafeInteger(version)) found.set(version, name);
    }
    return found;
  }
}
