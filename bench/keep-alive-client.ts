// A sequential keep-alive HTTP client for the large-tensor rows: one socket, one request at a
// time, the answer read to its end (kept only when asked for, so that a 10 MB answer costs the
// client no parsing). Shared by large-http.ts and flood-client.ts.
import { Agent, request } from 'node:http';

export interface Answer {
  status: number;
  bytes: number;
  text?: string;
}

export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly base: string) {}

  post(path: string, body: string | Buffer, keepText = false): Promise<Answer> {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}${path}`, {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      }, (res) => {
        const status = res.statusCode ?? 0;
        const keep = keepText || status !== 200; // an error's text is kept for the message
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keep) chunks.push(c);
        });
        res.on('end', () => resolve({ status, bytes, ...(keep ? { text: Buffer.concat(chunks).toString() } : {}) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** POSTs and insists on a 200. */
  async ok(path: string, body: string | Buffer, keepText = false): Promise<Answer> {
    const answer = await this.post(path, body, keepText);
    if (answer.status !== 200) throw new Error(`POST ${path}: ${answer.status} ${answer.text?.slice(0, 300)}`);
    return answer;
  }

  close(): void {
    this.agent.destroy();
  }
}
