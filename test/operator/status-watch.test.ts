// `edgeserve status URL --watch` against a running server: each refresh asks the operator API
// again and redraws (clear screen, then the tables); --count N stops after N redraws; the real
// executable, watching without a count, is stopped by SIGINT after two redraws and exits 0.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rolloutCommand } from '../../adapters/node/rollout/command.ts';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import { startTestServer } from '../helpers.ts';

const KEY = 'watch-key-of-16-chars';
const CLEAR = '\x1b[2J\x1b[H';
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  const auth = parseAuthConfig(JSON.stringify({ api_keys: [{ name: 'ops', key: KEY, scopes: ['admin'] }] }), 'test');
  server = await startTestServer({ auth });
}, 60_000);
afterAll(() => server?.close());

async function status(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await rolloutCommand('status', [server.url, '--key', KEY, ...args], {}, { isTTY: false, print: { out: (l) => void out.push(l), err: (l) => void err.push(l) } });
  return { code, out, err };
}

it('--watch --count 3 redraws three times, each a fresh answer of the operator API', async () => {
  const run = await status('--watch', '--interval', '0.05', '--count', '3');
  expect([run.code, run.err]).toEqual([0, []]);
  expect(run.out).toHaveLength(3);
  for (const frame of run.out) expect(frame.startsWith(CLEAR) && /^\d+ models at /.test(frame.slice(CLEAR.length))).toBe(true);
  // Each frame says when the server answered: three requests, not one answer drawn three times.
  const times = run.out.map((f) => /models at (\S+)/.exec(f)![1]!);
  expect(new Set(times).size).toBe(3);
  const json = await status('--watch', '--interval', '0.05', '--count', '2', '--json');
  // --json: one JSON document a redraw, no clear-screen codes.
  expect(json.out).toHaveLength(2);
  for (const frame of json.out) expect(Array.isArray(JSON.parse(frame).models)).toBe(true);
}, 30_000);

it('--count and --interval are checked (usage error, exit 2)', async () => {
  for (const bad of [['--count', '0'], ['--count', '1.5'], ['--interval', '0']]) {
    const run = await status('--watch', ...bad);
    expect([run.code, run.err]).toEqual([2, [expect.stringMatching(/^edgeserve status: --(count|interval) .*\(edgeserve status --help\)$/)]]);
  }
});

it('the executable watches until SIGINT, then exits 0', async () => {
  const main = resolve(import.meta.dirname, '../../adapters/node/main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'status', server.url, '--watch', '--interval', '0.2'], {
    env: { ...process.env, EDGESERVE_ADMIN_KEY: KEY }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => void (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((r) => child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.split(CLEAR).length - 1 >= 2) r();
  }));
  child.kill('SIGINT');
  expect(await exited, stderr).toBe(0);
  expect(stdout.split(CLEAR).length - 1).toBeGreaterThanOrEqual(2);
}, 60_000);
