// The persisted listing on Lambda (functions/serving/listing-cache.ts): a file in /tmp named from a
// hash of the repository store's description. /tmp belongs to one execution environment, so this
// helps an init that finds the previous one's files — the runtime restarted in the same
// environment after a crash, a timeout or an out-of-memory exit — not a brand-new environment
// (which starts with an empty /tmp). Written to a temporary file and renamed, so that a reader
// never sees half an entry, even if the process dies while writing.
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseListing, serializeListing, type ListingCache } from '../../functions/serving/listing-cache.ts';
import type { ObjectInfo } from '../../functions/storage/model-store.ts';

export class TmpListingCache implements ListingCache {
  readonly path: string;

  constructor(
    private readonly description: string,
    dir: string = tmpdir(),
  ) {
    const hash = createHash('sha256').update(description).digest('hex').slice(0, 32);
    this.path = join(dir, `edgeserve-listing-${hash}.json`);
  }

  async read(): Promise<ObjectInfo[] | undefined> {
    try {
      return parseListing(await readFile(this.path, 'utf8'), this.description);
    } catch {
      return undefined; // none yet, or unreadable
    }
  }

  async write(objects: readonly ObjectInfo[]): Promise<void> {
    const temporary = `${this.path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, serializeListing(objects, this.description));
      await rename(temporary, this.path);
    } catch (e) {
      await rm(temporary, { force: true }).catch(() => {});
      throw e;
    }
  }
}
