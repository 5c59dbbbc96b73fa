// The Node adapter: the same app on node:http via @hono/node-server. Long-lived, so it loads every
// aspired version before it reports ready, as TF Serving does at start.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createEdgeserve, type Edgeserve, type EdgeserveOptions } from '../../functions/app.ts';

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
  const server = await listen(edgeserve, options);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    ...edgeserve,
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; idle ones can go now.
        (server as import('node:http').Server).closeIdleConnections?.();
      });
      await edgeserve.manager.close();
    },
  };
}

function listen(edgeserve: Edgeserve, options: NodeServerOptions): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: edgeserve.app.fetch, port: options.port, hostname: options.host }, () => resolve(server));
    server.once('error', reject);
  });
}
