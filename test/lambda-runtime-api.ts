// A Lambda Runtime API on 127.0.0.1 (the interface the real service offers a runtime), so the
// bundle can run under AWS's own runtime interface client, aws-lambda-ric, as in production.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Pending {
  id: string;
  event: unknown;
  resolve: (result: { ok: boolean; body: unknown }) => void;
}

export class RuntimeApi {
  private readonly queue: Pending[] = [];
  private readonly waiting: ((p: Pending) => void)[] = [];
  private readonly inFlight = new Map<string, Pending>();
  private server: Server | undefined;
  private next = 0;
  /** Set when the runtime reported an initialization error. */
  initError: unknown;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req.method!, req.url!, Buffer.concat(chunks).toString(), res));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues an event and resolves with what the function returned (or its error). */
  invoke(event: unknown): Promise<{ ok: boolean; body: unknown }> {
    return new Promise((resolve) => {
      const pending = { id: `req-${++this.next}`, event, resolve };
      const taker = this.waiting.shift();
      if (taker) taker(pending);
      else this.queue.push(pending);
    });
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private route(method: string, url: string, body: string, res: import('node:http').ServerResponse): void {
    const parse = () => (body ? JSON.parse(body) : null);
    if (method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      const deliver = (p: Pending) => {
        this.inFlight.set(p.id, p);
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Lambda-Runtime-Aws-Request-Id': p.id,
          'Lambda-Runtime-Deadline-Ms': String(Date.now() + 30_000),
          'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:edgeserve',
          'Lambda-Runtime-Trace-Id': 'Root=1-00000000-000000000000000000000000',
        });
        res.end(JSON.stringify(p.event));
      };
      const queued = this.queue.shift();
      if (queued) deliver(queued);
      else this.waiting.push(deliver);
      return;
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (method === 'POST' && m) {
      const pending = this.inFlight.get(m[1]!);
      this.inFlight.delete(m[1]!);
      pending?.resolve({ ok: m[2] === 'response', body: parse() });
      res.writeHead(202).end('{"status":"OK"}');
      return;
    }
    if (method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      this.initError = parse();
      res.writeHead(202).end('{"status":"OK"}');
      return;
    }
    res.writeHead(404).end();
  }
}
