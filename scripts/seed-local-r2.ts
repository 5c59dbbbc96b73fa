// Puts the example model repository into the local R2 bucket that `wrangler dev` serves from
// (.wrangler/state), so `npm run dev:workers` answers the quickstart with no Cloudflare account.
// For the real bucket: `npx wrangler r2 object put edgeserve-models/<key> --file <file> --remote`.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { FileSystemStore } from '../adapters/storage/fs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUCKET = 'edgeserve-models';

const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response(null) } }',
  r2Buckets: { MODELS: BUCKET },
  r2Persist: join(ROOT, '.wrangler/state/v3/r2'),
});
const bucket = (await mf.getR2Bucket('MODELS')) as unknown as { put(k: string, v: Uint8Array): Promise<unknown> };
const repo = join(ROOT, 'models');
const files = await new FileSystemStore(repo).list('');
for (const { key } of files) await bucket.put(key, new Uint8Array(await readFile(join(repo, key))));
await mf.dispose();
console.log(`local R2 bucket ${BUCKET}: ${files.length} objects from models/`);
