// The rollout commands against a folder repository and against a real S3 server on 127.0.0.1
// (with S3's conditional writes): push → served after a refresh; two overlapping canary edits →
// one wins, the other fails with a conflict message and changes nothing; rollback restores the
// config from before the canary byte for byte (--undo: the last edit); the folder's lock;
// validate fails on a corrupt version; status prints a running server's arms; exit statuses and one-line errors, also from the executable itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutCommand } from '../../adapters/node/rollout/command.ts';
import { FolderRepository } from '../../adapters/node/rollout/writable-repository.ts';
import type { RolloutCommand } from '../../adapters/node/rollout/arguments.ts';
import type { EditHooks } from '../../adapters/node/rollout/config-file.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import { writeRolloutExample } from '../../scripts/build-rollout-example.ts';
import { startTestServer } from '../helpers.ts';
import { BUCKET, startS3, type TestS3 } from '../s3-server.ts';

let work: string;
let s3: TestS3;
let env: Record<string, string>;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edgeserve-rollout-cli-'));
  await writeRolloutExample(join(work, 'files'));
  s3 = await startS3({ conditionalWrites: true });
  env = { S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: '1', AWS_REGION: 'us-east-1' };
  // The SDK's credential chain reads the process's environment, as for `serve`.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
}, 60_000);
afterAll(async () => {
  await s3?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const file = (name: string) => join(work, 'files', name);

async function cli(command: RolloutCommand, args: string[], hooks?: EditHooks) {
  const out: string[] = [];
  const err: string[] = [];
  const print = { out: (line: string) => void out.push(line), err: (line: string) => void err.push(line) };
  const status = await rolloutCommand(command, args, env, { hooks, isTTY: false, print });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

/**
 * Two edits that both read the config before either writes, and then both try to commit: each,
 * once its compare passed (a folder's check of the file's hash), waits for the other to pass its
 * own too (or 500 ms, when the other cannot get there before this one renames), so that without a
 * lock around the folder's check and rename both would pass it and both win.
 */
function overlap() {
  const meet = () => {
    let arrived = 0;
    let release!: () => void;
    const both = new Promise<void>((r) => (release = r));
    return async (wait = Infinity) => {
      if (++arrived === 2) release();
      await Promise.race([both, ...(wait < Infinity ? [new Promise((r) => setTimeout(r, wait))] : [])]);
    };
  };
  const read = meet();
  const checked = meet();
  return { beforeWrite: () => read(), afterCheck: () => checked(500) };
}

const repositories = [
  { name: 'a folder', repo: async () => { const d = await mkdtemp(join(work, 'repo-')); return { url: d, read: (k: string) => readFile(join(d, k), 'utf8').catch(() => undefined), store: () => new FileSystemStore(d) }; } },
  { name: 'S3 on 127.0.0.1', repo: async () => {
    const prefix = `r${Math.random().toString(36).slice(2, 8)}`;
    const read = async (k: string) => {
      const r = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${k}` })).catch(() => undefined);
      return r && new TextDecoder().decode(await r.Body!.transformToByteArray());
    };
    return { url: `s3://${BUCKET}/${prefix}`, read, store: () => s3.store(prefix) };
  } },
];

describe('rollback (the README\'s "Operating a rollout")', () => {
  it('canary 10 → canary 50 → rollback: the config from before the canary, byte for byte; --undo: one step back', async () => {
    const d = await mkdtemp(join(work, 'rollback-'));
    const read = () => readFile(join(d, 'models.config.json'), 'utf8');
    for (const v of [1, 2]) expect((await cli('push', [file(`digits-v${v}.onnx`), `${d}/digits`])).status).toBe(0);
    expect((await cli('label', [d, 'digits', 'stable=1'])).status).toBe(0);
    const labelled = await read();
    expect((await cli('canary', [d, 'digits', '--version', '2', '--weight', '10', '--sticky-header', 'x-user-id', '--shadow', '1', '--tolerance', '0.1'])).status).toBe(0);
    const at10 = await read();
    expect((await cli('canary', [d, 'digits', '--version', '2', '--weight', '50'])).status).toBe(0);
    const rolled = await cli('rollback', [d, 'digits']);
    expect(rolled.status, rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(/^digits: canary rolled back, config restored from models\.config\.json\.2$/m);
    expect(await read()).toBe(labelled); // not the 10 % of the step before
    expect(existsSync(join(d, 'models.config.json.2')) || existsSync(join(d, 'models.config.json.3'))).toBe(false);
    expect((await cli('rollback', [d, 'digits'])).stderr).toMatch(/digits has no canary to roll back \(to undo the last change: rollback --undo\)/);

    // --undo: the last edit alone.
    expect((await cli('canary', [d, 'digits', '--version', '2', '--weight', '10', '--sticky-header', 'x-user-id', '--shadow', '1', '--tolerance', '0.1'])).status).toBe(0);
    expect(await read()).toBe(at10);
    expect((await cli('canary', [d, 'digits', '--version', '2', '--weight', '50'])).status).toBe(0);
    expect((await cli('rollback', [d, 'digits', '--undo'])).status).toBe(0);
    expect(await read()).toBe(at10);
    expect((await cli('rollback', [d, 'digits', '--help'])).stdout + (await cli('rollback', [d, 'digits', '--help'])).stderr).toMatch(/--undo/);
  });

  it('without a backup from before the canary (configured by hand), sets the canary weight to 0', async () => {
    const d = await mkdtemp(join(work, 'rollback-'));
    for (const v of [1, 2]) expect((await cli('push', [file(`digits-v${v}.onnx`), `${d}/digits`])).status).toBe(0);
    await writeFile(join(d, 'models.config.json'), JSON.stringify({ models: [{ name: 'digits', version_labels: { stable: 1, canary: 2 },
      model_version_policy: { specific: { versions: [1, 2] } },
      routing: { arms: [{ name: 'stable', label: 'stable', weight: 70 }, { name: 'canary', label: 'canary', weight: 30 }] } }] }, null, 2) + '\n');
    const rolled = await cli('rollback', [d, 'digits']);
    expect(rolled.status, rolled.stderr).toBe(0);
    const entry = JSON.parse(await readFile(join(d, 'models.config.json'), 'utf8')).models[0];
    expect(entry.routing.arms).toEqual([{ name: 'stable', label: 'stable', weight: 100 }, { name: 'canary', label: 'canary', weight: 0 }]);
  });
});

describe('failures', () => {
  it('validate --model of a model the repository lacks: exit 1; with --json, every failure is {"ok": false, "error"} on stdout', async () => {
    const d = await mkdtemp(join(work, 'fail-'));
    expect((await cli('push', [file('digits-v1.onnx'), `${d}/digits`])).status).toBe(0);
    const missing = await cli('validate', [d, '--model', 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^edgeserve validate: .* has no model nope$/);
    const json = await cli('validate', [d, '--model', 'nope', '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: expect.stringMatching(/has no model nope$/) });
    for (const [command, args, status] of [
      ['canary', [d, 'digits', '--version', '9', '--weight', '10'], 1], // refused: no version 9
      ['rollback', [d, 'digits', '--undo'], 1], // no backup
      ['promote', [d, 'digits'], 1],
      ['label', [d, 'digits', 'stable=x'], 2], // a usage error
      ['push', [file('missing.onnx'), `${d}/digits`], 1],
      ['status', ['http://127.0.0.1:9'], 1],
      ['push', [file('digits-v1.onnx'), 'nothing'], 2],
    ] as const) {
      const r = await cli(command, [...args, '--json']);
      expect({ command, status: r.status }).toEqual({ command, status });
      expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: expect.any(String) });
      expect(r.stderr).toMatch(new RegExp(`^edgeserve ${command}: `));
    }
  });
});

describe('model names', () => {
  it('refuses names made only of dots (push f.onnx ./repo/.. would write outside the repository)', async () => {
    const parent = await mkdtemp(join(work, 'dots-'));
    const d = join(parent, 'repo');
    await mkdir(d);
    for (const name of ['.', '..', '...']) {
      const pushed = await cli('push', [file('digits-v1.onnx'), `${d}/${name}`]);
      expect({ name, status: pushed.status }).toEqual({ name, status: 2 });
      expect(pushed.stderr).toMatch(/model name "\.+": not only dots/);
      const labelled = await cli('label', [d, name, 'stable=1']);
      expect({ name, status: labelled.status }).toEqual({ name, status: 2 });
    }
    expect(await readdir(parent)).toEqual(['repo']); // nothing written beside the repository
    expect(await readdir(d)).toEqual([]);
    expect((await cli('push', [file('digits-v1.onnx'), `${d}/v1.2`])).status).toBe(0); // dots among other characters are fine
  });
});

describe('a folder repository\'s compare-and-rename lock', () => {
  it('waits for a lock held now; reports one left behind (over 30 s old) instead of taking it over', async () => {
    const d = await mkdtemp(join(work, 'lock-'));
    const repo = new FolderRepository(d);
    await repo.write('a.json', new TextEncoder().encode('1'));
    const { etag } = (await repo.read('a.json'))!;
    await writeFile(join(d, 'a.json.lock'), '');
    const old = new Date(Date.now() - 31_000);
    await utimes(join(d, 'a.json.lock'), old, old);
    await expect(repo.write('a.json', new TextEncoder().encode('2'), { ifMatch: etag })).rejects.toThrow(/a\.json\.lock has been there for 3\d s: a write of a\.json was interrupted; if no edit is running now, remove it/);
    await utimes(join(d, 'a.json.lock'), new Date(), new Date()); // held now: the write waits for it
    const write = repo.write('a.json', new TextEncoder().encode('2'), { ifMatch: etag });
    await new Promise((r) => setTimeout(r, 100));
    await rm(join(d, 'a.json.lock'));
    await write;
    expect(await readFile(join(d, 'a.json'), 'utf8')).toBe('2');
    expect(existsSync(join(d, 'a.json.lock'))).toBe(false);
  });
});

for (const { name, repo: makeRepo } of repositories) {
  describe(`rollout commands, ${name}`, () => {
    it('push → label → canary (one of two overlapping edits wins) → rollback byte for byte → promote; served after a refresh', async () => {
      const repo = await makeRepo();
      const pushed = await cli('push', [file('digits-v1.onnx'), `${repo.url}/digits`, '--warmup', file('warmup.json'), '--json']);
      expect(pushed.status, pushed.stderr).toBe(0);
      expect(JSON.parse(pushed.stdout)).toMatchObject({ model: 'digits', version: 1 });
      expect(JSON.parse(pushed.stdout).files.at(-1)).toBe('digits/1/model.onnx'); // the model file last
      const manifest = JSON.parse((await repo.read('digits/1/manifest.json'))!);
      expect(Object.keys(manifest.files).sort()).toEqual(['assets.extra/warmup.json', 'model.onnx']);
      expect(manifest.files['model.onnx'].size).toBe((await readFile(file('digits-v1.onnx'))).length);
      expect((await cli('push', [file('digits-v2.onnx'), `${repo.url}/digits`])).stdout).toMatch(/published digits version 2/);
      const again = await cli('push', [file('digits-v2.onnx'), `${repo.url}/digits`, '--version', '2']);
      expect([again.status, again.stderr]).toEqual([1, expect.stringMatching(/^edgeserve push: version 2 of digits already exists .*never overwrites/)]);

      // A label must point at a version that is there.
      const absent = await cli('label', [repo.url, 'digits', 'stable=7']);
      expect([absent.status, absent.stderr]).toEqual([1, 'edgeserve label: version 7 of digits is not in the repository (versions present: 1, 2)']);
      expect((await cli('label', [repo.url, 'digits', 'stable=1'])).status).toBe(0);
      const labelled = (await repo.read('models.config.json'))!;

      const hooks = overlap();
      const [a, b] = await Promise.all([
        cli('canary', [repo.url, 'digits', '--version', '2', '--weight', '10', '--sticky-header', 'x-user-id'], hooks),
        cli('canary', [repo.url, 'digits', '--version', '2', '--weight', '30', '--shadow', '0.5'], hooks),
      ]);
      expect([a.status, b.status].sort()).toEqual([0, 1]);
      const lost = a.status === 1 ? a : b;
      expect(lost.stderr).toMatch(/^edgeserve canary: models\.config\.json in .* was changed by someone else while this edit was made; nothing was changed: run the command again$/);
      const won = a.status === 0 ? a : b;
      expect(won.stdout).toMatch(/^\+ .*"canary": 2/m); // the diff it applied
      const config = JSON.parse((await repo.read('models.config.json'))!);
      const arms = config.models[0].routing.arms.map((x: { name: string; weight: number }) => [x.name, x.weight]);
      expect([[['stable', 90], ['canary', 10]], [['stable', 70], ['canary', 30]]]).toContainEqual(arms);
      expect(await repo.read('models.config.json.3')).toBeUndefined(); // the loser's backup was taken back

      const rolled = await cli('rollback', [repo.url, 'digits']);
      expect(rolled.status, rolled.stderr).toBe(0);
      expect(await repo.read('models.config.json')).toBe(labelled); // byte for byte

      expect((await cli('canary', [repo.url, 'digits', '--version', '2', '--weight', '25'])).status).toBe(0);
      const promoted = await cli('promote', [repo.url, 'digits', '--json']);
      expect(promoted.status, promoted.stderr).toBe(0);
      const final = JSON.parse((await repo.read('models.config.json'))!).models[0];
      expect(final).toEqual({ name: 'digits', version_labels: { stable: 2 }, model_version_policy: { specific: { versions: [2] } } });

      // A server over the same repository serves what was pushed and configured.
      const server = await startTestServer({ store: repo.store(), preload: false });
      try {
        await Promise.all(await server.manager.refresh());
        const predicted = await fetch(`${server.url}/v1/models/digits/labels/stable:predict`, { method: 'POST', body: await readFile(file('request.json')) });
        expect(predicted.status).toBe(200);
        expect(((await predicted.json()) as { predictions: number[][] }).predictions).toHaveLength(8);
        const status = await (await fetch(`${server.url}/v1/models/digits`)).json() as { model_version_status: { version: string; state: string }[] };
        expect(status.model_version_status.map((v) => [v.version, v.state])).toEqual([['2', 'AVAILABLE']]);
      } finally {
        await server.close();
      }
    }, 60_000);

    it('validate: a table of every aspired version, and exit 1 on a corrupt one', async () => {
      const repo = await makeRepo();
      expect((await cli('push', [file('digits-v1.onnx'), `${repo.url}/digits`, '--warmup', file('warmup.json')])).status).toBe(0);
      const good = await cli('validate', [repo.url]);
      expect(good.status, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toMatch(/^digits\s+1\s+25\.3 KiB\s+image:float32\[batch,784\]\s+scores:float32\[batch,10\]\s+[\d.]+ ms\s+[\d.]+ ms\s+ok$/m);
      // Version 2's model file does not match its manifest: the loader refuses it, and so does validate.
      expect((await cli('push', [file('digits-v2.onnx'), `${repo.url}/digits`])).status).toBe(0);
      const corrupt = new TextEncoder().encode('not the bytes the manifest describes');
      if (repo.url.startsWith('s3://')) await s3.put(`${repo.url.slice(`s3://${BUCKET}/`.length)}/digits/2/model.onnx`, corrupt);
      else await writeFile(join(repo.url, 'digits/2/model.onnx'), corrupt);
      const bad = await cli('validate', [repo.url, '--json']);
      expect(bad.status).toBe(1);
      const rows = JSON.parse(bad.stdout).versions as { version: number; ok: boolean; error: string }[];
      expect(rows.find((r) => r.version === 2)).toMatchObject({ ok: false, error: expect.stringMatching(/DATA_LOSS/) });
    }, 60_000);
  });
}

describe('status and the executable', () => {
  it('status prints a running server\'s arms; refuses without the admin key', async () => {
    const repo = await mkdtemp(join(work, 'status-'));
    for (const f of ['digits-v1.onnx', 'digits-v2.onnx']) expect((await cli('push', [file(f), `${repo}/digits`])).status).toBe(0);
    expect((await cli('label', [repo, 'digits', 'stable=1'])).status).toBe(0);
    expect((await cli('canary', [repo, 'digits', '--version', '2', '--weight', '50'])).status).toBe(0);
    const auth = parseAuthConfig(JSON.stringify({ api_keys: [{ name: 'ops', key: 'status-key-of-16-chars', scopes: ['admin'] }] }), 'test');
    const server = await startTestServer({ root: repo, auth });
    try {
      const denied = await cli('status', [server.url]);
      expect([denied.status, denied.stderr]).toEqual([1, expect.stringMatching(/wants an admin key/)]);
      const shown = await cli('status', [server.url, '--key', 'status-key-of-16-chars']);
      expect(shown.status, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^digits\s+labels: stable=1 canary=2$/m);
      expect(shown.stdout).toMatch(/^canary\s+label canary → v2\s+50\s/m);
      const json = JSON.parse((await cli('status', [server.url, '--key', 'status-key-of-16-chars', '--json'])).stdout);
      expect(json.models[0].routing.arms.map((a: { weight: number }) => a.weight)).toEqual([50, 50]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the executable: --help exits 0, a usage error 2, a failure 1, each in one line', () => {
    const main = resolve(import.meta.dirname, '../../adapters/node/main.ts');
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', timeout: 60_000 });
    const help = run('canary', '--help');
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('Usage: edgeserve canary REPO MODEL --version V --weight W')]);
    const usage = run('canary', work, 'digits', '--weight');
    expect([usage.status, usage.stderr.trim()]).toEqual([2, 'edgeserve canary: --weight needs a value (edgeserve canary --help)']);
    const failed = run('push', join(work, 'missing.onnx'), `${work}/digits`);
    expect([failed.status, failed.stderr.trim().split('\n')]).toEqual([1, [`edgeserve push: cannot read ${join(work, 'missing.onnx')}: ENOENT`]]);
  }, 60_000);
});
