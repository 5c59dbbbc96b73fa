// `edgeserve --version`: the version of the package this code was installed from. Found by
// walking up from this module to the package.json named edgeserve, since the module sits at a
// different depth in the sources (adapters/node/) and in the built package (dist/adapters/node/).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'edgeserve' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** What --version prints, after TF Serving's "TensorFlow ModelServer: …" line. */
export function versionText(): string {
  return `edgeserve ${packageVersion() ?? '(version unknown: no package.json named edgeserve above this module)'}`;
}
