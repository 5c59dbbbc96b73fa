// A model repository the CLI may change: a folder or `s3://bucket/prefix` (S3, R2's S3 API,
// MinIO), read the way the server reads it (the same stores) and written with conditions, so that
// two operators' changes never silently overwrite each other:
// - S3: PutObject with If-Match (the object's ETag as read) or If-None-Match: * (it must not exist
//   yet), which S3, R2 and MinIO enforce (412 Precondition Failed; 409 when two race);
// - a folder: the bytes go to a temporary file beside the target, then the target's ETag (here the
//   SHA-256 of its bytes: two quick edits of the same size can share an mtime) is checked again and
//   the file renamed over it, the check and the rename under an exclusive lock file (`<target>.lock`,
//   created with O_EXCL, removed after; one older than 30 s is reported, not taken over), so two
//   writers never both pass; "must not exist" is a hard link, which fails if the name is taken.
//   S3's condition is atomic.
import { createHash } from 'node:crypto';
import { link, mkdir, open, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { dirname, join, resolve } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NOT_MODIFIED, parseS3Url, type ModelStore, type ObjectInfo } from '../../../functions/storage/model-store.ts';
import { s3ClientConfig, storeFromUrl, type StoreOptions } from '../../shared/store-from-url.ts';
import { FileSystemStore } from '../../storage/fs.ts';

/** A conditional write found the object changed (or present) since it was read. */
export class ConflictError extends Error {}

export type WriteCondition =
  /** afterCheck: a test hook, called by a folder's write once the compare passed, before the rename. */
  | { readonly ifMatch: string; readonly afterCheck?: () => Promise<void> }
  | { readonly ifNoneMatch: '*' };

export interface WritableRepository {
  readonly description: string;
  list(prefix: string): Promise<ObjectInfo[]>;
  read(key: string): Promise<{ bytes: Uint8Array; etag: string } | undefined>;
  /** Writes `bytes` at `key` if the condition holds, else throws ConflictError; `sent`: bytes of it written so far, reported as they go. */
  write(key: string, bytes: Uint8Array, condition?: WriteCondition, sent?: (bytes: number) => void): Promise<void>;
  remove(key: string): Promise<void>;
}

export function openRepository(location: string, options: StoreOptions = {}): WritableRepository {
  if (location.startsWith('s3://')) return new S3Repository(location, options);
  if (/^https?:\/\//.test(location)) throw new ConflictError(`${location}: an HTTP(S) repository is read-only; change the folder or bucket it is published from`);
  return new FolderRepository(location);
}

abstract class StoreReads {
  protected abstract readonly store: ModelStore;

  get description(): string {
    return this.store.description;
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.store.list(prefix);
  }

  async read(key: string) {
    const got = await this.store.get(key);
    return got === undefined || got === NOT_MODIFIED ? undefined : got;
  }
}

export class FolderRepository extends StoreReads implements WritableRepository {
  protected readonly store: FileSystemStore;
  readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
    this.store = new FileSystemStore(this.root);
  }

  async write(key: string, bytes: Uint8Array, condition?: WriteCondition, sent?: (bytes: number) => void): Promise<void> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      // A file where a folder of the key should be: for "must not exist", the name is taken
      // (a version number held by something that is not a version is skipped, never replaced).
      throw condition && 'ifNoneMatch' in condition && (e.code === 'EEXIST' || e.code === 'ENOTDIR') ? new ConflictError(`${key}: a file is in the way`) : e;
    });
    const temporary = join(dirname(path), `.${key.split('/').pop()}.${process.pid}.${Date.now()}.partial`);
    await writeInChunks(temporary, bytes, sent);
    try {
      if (condition && 'ifNoneMatch' in condition) {
        await link(temporary, path).catch((e: NodeJS.ErrnoException) => {
          throw e.code === 'EEXIST' ? new ConflictError(`${key} already exists`) : e;
        });
        return;
      }
      if (!condition) {
        await rename(temporary, path);
        return;
      }
      // Compare and rename under an exclusive lock: two writers that both passed the compare
      // before either renamed would otherwise both win.
      const unlock = await lockFile(`${path}.lock`, key);
      try {
        const now = await this.read(key);
        if (now?.etag !== condition.ifMatch) throw new ConflictError(`${key} changed since it was read`);
        await condition.afterCheck?.();
        await rename(temporary, path);
      } finally {
        await unlock();
      }
    } finally {
      await rm(temporary, { force: true });
    }
  }

  override async read(key: string) {
    const got = await super.read(key);
    return got && { bytes: got.bytes, etag: createHash('sha256').update(got.bytes).digest('hex') };
  }

  async remove(key: string): Promise<void> {
    await unlink(join(this.root, key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    // The folders the key's write made go too once empty (a taken-back push leaves nothing behind;
    // rmdir only removes an empty folder, so another writer's files are never removed with it).
    for (let dir = dirname(key); dir !== '.' && dir !== '/'; dir = dirname(dir)) {
      if (!(await rmdir(join(this.root, dir)).then(() => true, () => false))) break;
    }
  }

  /** Whether the folder exists (a push into a repository that is not there is refused). */
  async exists(): Promise<boolean> {
    return stat(this.root).then((s) => s.isDirectory(), () => false);
  }
}

/** A lock left behind for longer than this is a write that was interrupted, not one in progress. */
const STALE_LOCK_MS = 30_000;

/** Takes `lock` (created exclusively), waiting while another write holds it; the returned function releases it. */
async function lockFile(lock: string, key: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const since = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (since > STALE_LOCK_MS) {
      throw new Error(`${lock} has been there for ${Math.round(since / 1000)} s: a write of ${key} was interrupted; if no edit is running now, remove it and run the command again`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class S3Repository extends StoreReads implements WritableRepository {
  protected readonly store: ModelStore;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(location: string, options: StoreOptions) {
    super();
    this.store = storeFromUrl(location, options);
    const { bucket, prefix } = parseS3Url(location);
    this.bucket = bucket;
    this.prefix = prefix ? `${prefix}/` : '';
    this.client = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 2, ...s3ClientConfig(options) });
  }

  async write(key: string, bytes: Uint8Array, condition?: WriteCondition, sent?: (bytes: number) => void): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.bucket, Key: this.prefix + key, ContentLength: bytes.length, Body: sent && bytes.length > CHUNK ? countingBody(bytes, sent) : bytes,
        ...(condition && 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : {}),
        ...(condition && 'ifNoneMatch' in condition ? { IfNoneMatch: '*' } : {}),
      }));
    } catch (e) {
      const status = e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
      if (status === 412 || status === 409) throw new ConflictError(condition && 'ifNoneMatch' in condition ? `${key} already exists` : `${key} changed since it was read`);
      throw e;
    }
    sent?.(bytes.length);
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }
}

/** Progress granularity: a chunk is reported once written (a folder) or read by the SDK (S3). */
const CHUNK = 1 << 20;

async function writeInChunks(path: string, bytes: Uint8Array, sent?: (bytes: number) => void): Promise<void> {
  if (!sent) return writeFile(path, bytes);
  const file = await open(path, 'w');
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const { bytesWritten } = await file.write(bytes, at, Math.min(CHUNK, bytes.length - at));
      if (bytesWritten !== Math.min(CHUNK, bytes.length - at)) throw new Error(`short write to ${path}`);
      sent(at + bytesWritten);
    }
  } finally {
    await file.close();
  }
}

/**
 * A body that counts what the SDK has read: a chunk is reported when the next is asked for (the
 * previous one then went to the socket). Only for bodies over a chunk: a stream cannot be replayed,
 * so the SDK's retry of a failed attempt is lost for these (the push then fails and is taken back).
 */
function countingBody(bytes: Uint8Array, sent: (bytes: number) => void): Readable {
  return Readable.from((function* () {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      yield Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(CHUNK, bytes.length - at));
      sent(Math.min(at + CHUNK, bytes.length));
    }
  })(), { objectMode: false });
}
