// runFuzz: a real edgeserve Node server on 127.0.0.1 (port 0) over the example repository, and
// each family's mutated requests sent to it over real HTTP, bounded in count and time. What the
// CLI (scripts/fuzz.ts) prints and what test/fuzz/fuzz.test.ts asserts is this result.
import { gunzipSync } from 'node:zlib';
import { startNodeServer, type NodeServer } from '../../adapters/node/server.ts';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { parseRepositoryConfig } from '../../functions/config/model-config.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { exampleRepository } from '../../test/helpers.ts';
import { bodyCase } from './body.ts';
import { FUZZ_CONFIG, type FuzzCase } from './cases.ts';
import { FuzzClient } from './client.ts';
import { gzipCase } from './gzip.ts';
import { headerCase } from './header.ts';
import { Random } from './random.ts';
import { urlCase } from './url.ts';
import { v2Case } from './v2.ts';
import { echoOf, findings, isDesigned5xx, leakMarkers, type Finding } from './verdict.ts';

export const FAMILIES = ['url', 'body', 'header', 'gzip', 'v2'] as const;
export type Family = (typeof FAMILIES)[number];

export interface FuzzOptions {
  /** Requests per family. */
  readonly count?: number;
  /** The most seconds each family may take; it stops early, with what it sent counted. */
  readonly seconds?: number;
  readonly families?: readonly Family[];
  readonly seed?: number;
  /** No complete answer within this is a hang. */
  readonly requestTimeoutMs?: number;
  /** The connection pool's size: requests in flight at once. */
  readonly connections?: number;
  /** The server's --max_body_bytes; gzip bombs inflate to 90–110 % of it. */
  readonly maxBodyBytes?: number;
  /** Offenders kept per kind of offence (what, method, status) for printing, the first ones. */
  readonly keepOffenders?: number;
}

export const DEFAULT_FUZZ_OPTIONS = {
  count: 2000, seconds: 300, families: FAMILIES, seed: 1, requestTimeoutMs: 10_000, connections: 8, maxBodyBytes: 1024 * 1024, keepOffenders: 3,
} as const satisfies Required<FuzzOptions>;

export type OffenceKind = Finding | 'hang' | 'dropped';

export interface Offender {
  readonly family: Family;
  /** What kind of offence: its kinds, the method and the status, e.g. `dropped CONNECT`. */
  readonly signature: string;
  readonly index: number;
  readonly kinds: readonly OffenceKind[];
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
  readonly bodyPrefix: string;
  readonly status?: number;
  readonly answerPrefix?: string;
  /** Why there was no answer (hangs and drops). */
  readonly detail?: string;
}

export interface FamilyResult {
  readonly family: Family;
  sent: number;
  seconds: number;
  readonly classes: Record<'2xx' | '4xx' | '5xx designed' | '5xx other' | 'other', number>;
  readonly codes: Record<number, number>;
  hangs: number;
  dropped: number;
  unsendable: number;
  undesigned5xx: number;
  stacks: number;
  leaks: number;
  offenderCount: number;
  slowestMs: number;
  /** The first offenders of each kind, by index. */
  readonly offenders: Offender[];
  /** Offending requests per kind of offence. */
  readonly signatures: Record<string, number>;
}

export interface FuzzResult {
  readonly seed: number;
  readonly families: readonly FamilyResult[];
  /** Requests with at least one offence, over all families: 0 is a pass. */
  readonly offenders: number;
}

const GENERATORS: Record<Family, (r: Random, maxBodyBytes: number) => FuzzCase> = {
  url: (r) => urlCase(r),
  body: (r) => bodyCase(r),
  header: (r) => headerCase(r),
  gzip: (r, limit) => gzipCase(r, limit),
  v2: (r) => v2Case(r),
};

/** The same seed, family and index give the same request (scripts/fuzz.ts --replay). */
export function fuzzCase(seed: number, family: Family, index: number, maxBodyBytes = DEFAULT_FUZZ_OPTIONS.maxBodyBytes): FuzzCase {
  return GENERATORS[family](Random.forCase(seed, family, index), maxBodyBytes);
}

export async function startFuzzServer(maxBodyBytes: number): Promise<{ server: NodeServer; repository: string }> {
  const repository = await exampleRepository();
  const server = await startNodeServer({
    store: new FileSystemStore(repository, { logger: silentLogger }),
    backend: await createNodeBackend('ort-node'),
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    preload: true,
    config: parseRepositoryConfig(FUZZ_CONFIG, 'fuzz.config.json'),
    metricsPath: '/monitoring/prometheus/metrics',
    routingAdmin: true,
    maxBodyBytes,
    refreshIntervalMs: 0,
  });
  return { server, repository };
}

export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzResult> {
  const o = { ...DEFAULT_FUZZ_OPTIONS, ...options };
  const { server, repository } = await startFuzzServer(o.maxBodyBytes);
  const client = new FuzzClient(new URL(server.url), o.requestTimeoutMs, o.connections);
  const markers = leakMarkers(repository);
  const families: FamilyResult[] = [];
  try {
    for (const family of o.families) families.push(await runFamily(family, o, client, markers));
  } finally {
    client.close();
    await server.close();
  }
  return { seed: o.seed, families, offenders: families.reduce((n, f) => n + f.offenderCount, 0) };
}

async function runFamily(family: Family, o: Required<FuzzOptions>, client: FuzzClient, markers: readonly string[]): Promise<FamilyResult> {
  const result: FamilyResult = {
    family, sent: 0, seconds: 0, classes: { '2xx': 0, '4xx': 0, '5xx designed': 0, '5xx other': 0, other: 0 }, codes: {},
    hangs: 0, dropped: 0, unsendable: 0, undesigned5xx: 0, stacks: 0, leaks: 0, offenderCount: 0, slowestMs: 0, offenders: [], signatures: {},
  };
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (next < o.count && performance.now() < deadline) {
      const index = next++;
      const c = fuzzCase(o.seed, family, index, o.maxBodyBytes);
      const outcome = await client.send(c);
      result.slowestMs = Math.max(result.slowestMs, outcome.ms);
      if (outcome.kind === 'unsendable') {
        result.unsendable++;
        continue;
      }
      result.sent++;
      const kinds: OffenceKind[] = [];
      const answer = outcome.kind === 'answer' ? outcome.answer : undefined;
      if (outcome.kind === 'hang' || outcome.kind === 'dropped') {
        kinds.push(outcome.kind);
        if (outcome.kind === 'hang') result.hangs++;
        else result.dropped++;
      } else if (answer !== undefined) {
        result.codes[answer.status] = (result.codes[answer.status] ?? 0) + 1;
        result.classes[statusClass(answer.status, isDesigned5xx(answer))]++;
        const found = findings(answer, echoOf(c, inflated(c, o.maxBodyBytes)), markers);
        if (found.includes('undesigned 5xx')) result.undesigned5xx++;
        if (found.includes('stack trace')) result.stacks++;
        if (found.includes('leaked path')) result.leaks++;
        kinds.push(...found);
      }
      if (kinds.length === 0) continue;
      result.offenderCount++;
      // One offence repeated a thousand times must not hide a different one behind it.
      const found = offender(family, index, c, kinds, answer, outcome.kind === 'answer' ? undefined : outcome.detail);
      const seen = (result.signatures[found.signature] = (result.signatures[found.signature] ?? 0) + 1);
      if (seen <= o.keepOffenders) result.offenders.push(found);
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  result.seconds = (performance.now() - started) / 1000;
  result.offenders.sort((a, b) => a.index - b.index);
  return result;
}

function statusClass(status: number, designed: boolean): keyof FamilyResult['classes'] {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return designed ? '5xx designed' : '5xx other';
  return 'other';
}

/** What the server reads from a gzip body, for the echo check (it may quote the inflated JSON). */
function inflated(c: FuzzCase, limit: number): string | undefined {
  if (!c.body || !(c.headers['content-encoding'] ?? '').includes('gzip')) return undefined;
  try {
    return gunzipSync(c.body, { maxOutputLength: limit }).toString('utf8');
  } catch {
    return undefined;
  }
}

function offender(family: Family, index: number, c: FuzzCase, kinds: OffenceKind[], answer?: { status: number; body: string }, detail?: string): Offender {
  const body = c.body ? Buffer.from(c.body) : Buffer.alloc(0);
  const unique = [...new Set(kinds)];
  return {
    family, index, signature: `${unique.join('+')} ${c.method}${answer ? ` ${answer.status}` : ''}`, kinds: unique, method: c.method, path: c.path.length > 300 ? `${c.path.slice(0, 300)}…` : c.path, headers: c.headers,
    bodyBytes: body.length, bodyPrefix: body.subarray(0, 160).toString('latin1'), status: answer?.status, answerPrefix: answer?.body.slice(0, 300), detail,
  };
}
