// Optional per-version manifest.json: the sha256 and size of each file, checked before anything
// is loaded, so a truncated, mismatched or half-written upload is never served.
//
//   { "files": { "model.onnx": { "sha256": "<hex>", "size": 1234 } } }
import { ServingError } from '../util/status.ts';

export const MANIFEST_FILE = 'manifest.json';

export interface FileDigest {
  readonly sha256?: string;
  readonly size?: number;
}

export type Manifest = ReadonlyMap<string, FileDigest>;

export function parseManifest(bytes: Uint8Array, key: string): Manifest {
  const invalid = (why: string) => new ServingError('DATA_LOSS', `${key} is not a valid manifest: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw invalid((e as Error).message);
  }
  const files = (doc as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw invalid('"files" must be an object');
  const out = new Map<string, FileDigest>();
  for (const [name, entry] of Object.entries(files)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(`files["${name}"] must be an object`);
    const unknown = Object.keys(entry).filter((k) => k !== 'sha256' && k !== 'size');
    // A misspelt key ("sha-256") must not quietly turn verification off.
    if (unknown.length > 0) throw invalid(`files["${name}"] has unknown field "${unknown[0]}" (expected sha256, size)`);
    const { sha256, size } = entry as Record<string, unknown>;
    if (sha256 !== undefined && (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256))) {
      throw invalid(`files["${name}"].sha256 must be 64 hex digits`);
    }
    if (size !== undefined && (!Number.isSafeInteger(size) || (size as number) < 0)) {
      throw invalid(`files["${name}"].size must be a non-negative integer`);
    }
    out.set(name, { sha256: (sha256 as string | undefined)?.toLowerCase(), size: size as number | undefined });
  }
  return out;
}

/** Throws DATA_LOSS unless `bytes` match what the manifest says of `name` (if it says anything). */
export async function verifyFile(manifest: Manifest | undefined, name: string, bytes: Uint8Array, key: string): Promise<void> {
  const expected = manifest?.get(name);
  if (expected === undefined) return;
  if (expected.size !== undefined && bytes.byteLength !== expected.size) {
    throw new ServingError('DATA_LOSS', `${key} has ${bytes.byteLength} bytes, manifest.json says ${expected.size}`);
  }
  if (expected.sha256 !== undefined) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== expected.sha256) {
      throw new ServingError('DATA_LOSS', `${key} has sha256 ${hex}, manifest.json says ${expected.sha256}`);
    }
  }
}
