// Puts the example model repository into the local R2 bucket that `wrangler dev` serves from
// (.wrangler/state), so `npm run dev:workers` answers the quickstart with no Cloudflare account.
// For the real bucket: `npx wrangler r2 object put edgeserve-models/<key> --file <file> --remote`.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUCKET = 'edgeserve-models';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response(null) } }',
  r2Buckets: { MODELS: BUCKET },
  r2Persist: join(ROOT, '.wrangler/state/v3/r2'),
});
const bucket = (await mf.getR2Bucket('MODELS')) as unknown as { put(k: string, v: Uint8Array): Promise<unknown> };
const repo = join(ROOT, 'models');
const files = await listFiles(repo);
for (const file of files) await bucket.put(relative(repo, file).split(sep).join('/'), new Uint8Array(await readFile(file)));
await mf.dispose();
console.log(`local R2 bucket ${BUCKET}: ${files.length} objects from models/`);
