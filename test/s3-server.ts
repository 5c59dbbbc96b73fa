// A real S3 server (s3rver) on 127.0.0.1 for tests and benchmarks, with the example repository
// uploaded under a prefix. s3rver quirks (platform-facts): byte bodies only, path-style URLs.
// s3rver predates S3's conditional writes (PutObject with If-Match / If-None-Match: *, which S3,
// R2 and MinIO enforce); `startS3({ conditionalWrites: true })` puts a small proxy in front that
// enforces them as S3 does (412 Precondition Failed), one conditional write at a time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { S3Store } from '../adapters/storage/s3.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const BUCKET = 'models';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  readonly endpoint: string;
  readonly client: S3Client;
  put(key: string, body: Uint8Array | string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Uploads every file under `dir` to `prefix/…`. */
  upload(dir: string, prefix: string): Promise<void>;
  store(prefix: string, timeoutMs?: number): S3Store;
  stop(): Promise<void>;
}

export async function startS3(options: { readonly conditionalWrites?: boolean } = {}): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'edgeserve-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await server.run();
  const direct = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
  const proxy = options.conditionalWrites ? await conditionalProxy(port, direct) : undefined;
  const endpoint = proxy ? `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` : `http://127.0.0.1:${port}`;
  const clientConfig = { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS };
  const client = new S3Client({ ...clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const put = async (key: string, body: Uint8Array | string) => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: typeof body === 'string' ? new TextEncoder().encode(body) : body }));
  };
  return {
    endpoint,
    client,
    put,
    remove: async (key) => {
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    },
    async upload(dir, prefix) {
      for (const { key } of await new FileSystemStore(dir).list('')) {
        await put(`${prefix}/${key}`, new Uint8Array(await readFile(join(dir, key))));
      }
    },
    store: (prefix, timeoutMs) => new S3Store({ bucket: BUCKET, prefix, timeoutMs, client: clientConfig }),
    async stop() {
      client.destroy();
      direct.destroy();
      if (proxy) await new Promise((r) => proxy.close(r));
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** S3's conditional PutObject in front of s3rver: the request goes on unchanged (its signature names the original Host) once its condition holds. */
async function conditionalProxy(port: number, direct: S3Client): Promise<Server> {
  let queue: Promise<unknown> = Promise.resolve();
  const proxy = createServer((req, res) => {
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    const conditional = req.method === 'PUT' && (ifMatch !== undefined || ifNoneMatch === '*');
    const forward = () => new Promise<void>((done) => {
      const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res).on('finish', done);
      });
      upstream.on('error', () => { res.writeHead(502).end(); done(); });
      req.pipe(upstream);
    });
    if (!conditional) return void forward();
    // One conditional write at a time: the check and the write are then one step, as on S3.
    queue = queue.then(async () => {
      const [, bucket, ...key] = new URL(req.url!, 'http://x').pathname.split('/');
      const current = await direct.send(new HeadObjectCommand({ Bucket: bucket, Key: decodeURIComponent(key.join('/')) })).then((h) => h.ETag, () => undefined);
      const holds = ifNoneMatch === '*' ? current === undefined : current !== undefined && current === ifMatch;
      if (!holds) {
        req.resume();
        res.writeHead(412, { 'Content-Type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
        return;
      }
      await forward();
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return proxy;
}

/**
 * Run directly (`tsx test/s3-server.ts DIR PREFIX`): an S3 server in its own process with DIR
 * uploaded under PREFIX, as a real remote store would be; prints `{"endpoint": …}` and serves
 * until SIGTERM. Benchmarks use this so the store does not share the client's event loop.
 */
if (process.argv[1]?.endsWith('s3-server.ts') && process.argv.length >= 4) {
  const s3 = await startS3();
  await s3.upload(process.argv[2]!, process.argv[3]!);
  console.log(JSON.stringify({ endpoint: s3.endpoint }));
  process.once('SIGTERM', () => void s3.stop().then(() => process.exit(0)));
}
