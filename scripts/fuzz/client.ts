// Sends fuzz cases over real HTTP on one keep-alive connection pool, each with a deadline: a case
// without a complete answer in time is a hang; a connection closed before any answer is a drop.
import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FuzzCase } from './cases.ts';
import type { Answer } from './verdict.ts';

/** Responses are read up to this much; the rest is drained (an over-long answer is not a finding here). */
const MAX_READ_BYTES = 4 * 1024 * 1024;

export type Outcome =
  | { readonly kind: 'answer'; readonly answer: Answer; readonly ms: number }
  | { readonly kind: 'hang' | 'dropped'; readonly detail: string; readonly ms: number }
  /** node's client refused to send it (an invalid header or path): nothing reached the server. */
  | { readonly kind: 'unsendable'; readonly detail: string; readonly ms: number };

export class FuzzClient {
  private readonly agent: Agent;

  constructor(
    private readonly origin: URL,
    private readonly timeoutMs: number,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /**
   * A keep-alive socket the server closed (idle past its keep-alive timeout) just as it was
   * reused fails with ECONNRESET before any answer: node's documented race (request.reusedSocket),
   * so such a case is sent once more, on a fresh socket.
   */
  async send(c: FuzzCase): Promise<Outcome> {
    const first = await this.sendOnce(c);
    return first.kind === 'dropped' && first.retry ? this.sendOnce(c) : first;
  }

  private sendOnce(c: FuzzCase): Promise<Outcome & { retry?: boolean }> {
    const started = performance.now();
    const ms = () => performance.now() - started;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome & { retry?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const headers: Record<string, string> = { ...c.headers };
      if (c.body !== undefined && !hasHeader(headers, 'content-length') && !hasHeader(headers, 'transfer-encoding')) headers['content-length'] = String(c.body.length);
      let req: ReturnType<typeof request>;
      try {
        req = request({ host: this.origin.hostname, port: this.origin.port, method: c.method, path: c.path, headers, agent: this.agent });
      } catch (e) {
        return void resolve({ kind: 'unsendable', detail: (e as Error).message, ms: 0 });
      }
      const timer = setTimeout(() => {
        settle({ kind: 'hang', detail: `no complete answer within ${this.timeoutMs} ms`, ms: ms() });
        req.destroy();
      }, this.timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          if (read < MAX_READ_BYTES) chunks.push(chunk);
          read += chunk.length;
        });
        res.on('end', () => settle({ kind: 'answer', answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }, ms: ms() }));
        res.on('error', (e) => settle({ kind: 'dropped', detail: `answer cut: ${e.message}`, ms: ms() }));
        res.on('aborted', () => settle({ kind: 'dropped', detail: 'answer aborted', ms: ms() }));
      });
      // CONNECT (and an accepted upgrade) answers with a tunnel, not a response to read: its
      // status is the answer, and the tunnel is closed at once.
      const tunnel = (res: IncomingMessage, socket: Socket, head: Buffer) => {
        settle({ kind: 'answer', answer: { status: res.statusCode ?? 0, headers: res.headers, body: head.toString('utf8') }, ms: ms() });
        socket.destroy();
      };
      req.on('connect', tunnel);
      req.on('upgrade', tunnel);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const retry = req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
        settle({ kind: 'dropped', detail: `${e.code ?? ''} ${e.message}${req.reusedSocket ? ' (reused socket)' : ''}`, ms: ms(), retry });
      });
      // A shorter content-length than the body: node writes only what was declared, so the rest
      // goes onto the socket behind it (the case asked for `connection: close`).
      const length = Number(headers['content-length'] ?? NaN);
      const lie = c.body !== undefined && Number.isInteger(length) && length < c.body.length;
      const body = c.body && lie ? c.body.subarray(0, length) : c.body;
      if (lie) req.once('finish', () => req.socket?.write(Buffer.from(c.body!.subarray(length))));
      try {
        req.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
      } catch (e) {
        settle({ kind: 'unsendable', detail: (e as Error).message, ms: ms() });
        req.destroy();
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
