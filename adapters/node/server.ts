// The Node adapter: node:http straight into the REST handler (no Fetch objects on the hot path).
// Long-lived, so it loads every aspired version before it listens, as TF Serving does at start.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdgeserve, type Edgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import { fromIncomingMessage, writeResponse } from './node-exchange.ts';

export interface NodeServerOptions extends EdgeserveOptions {
  readonly port: number;
  readonly host: string;
  /** Load every aspired version before listening (TF Serving's behaviour); false loads on first use. */
  readonly preload: boolean;
}

export interface NodeServer extends Edgeserve {
  readonly url: string;
  close(): Promise<void>;
}

export async function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const edgeserve = createEdgeserve(options);
  if (options.preload) await edgeserve.manager.loadAll();
  const server = createServer((req, res) => {
    const request = fromIncomingMessage(req);
    edgeserve.handle(request).then(
      (response) => writeResponse(res, response, request),
      () => res.destroy(), // unreachable: the handler turns every failure into a response
    );
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    ...edgeserve,
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; idle ones can go now.
        server.closeIdleConnections();
      });
      await edgeserve.manager.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
