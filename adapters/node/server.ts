// The Node adapter: node:http straight into the REST handler (no Fetch objects on the hot path).
// Long-lived, so it loads every aspired version before it listens, as TF Serving does at start.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEdgeserve, DEFAULT_SERVING_OPTIONS, type Edgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import { libeventErrorPage } from '../../functions/http/responses.ts';
import { DEFAULT_COMPRESSION, type CompressionPolicy } from '../shared/response-compression.ts';
import { DEFAULT_CONNECTION_LIMITS, serverOptions, type ConnectionLimits } from './connection-limits.ts';
import { fromIncomingMessage, writeResponse } from './node-exchange.ts';

export interface NodeServerOptions extends EdgeserveOptions {
  readonly port: number;
  readonly host: string;
  /** br/gzip for big answers when the client accepts them (response-compression.ts); default: on from 64 KiB. */
  readonly compression?: CompressionPolicy;
  /** Connection hygiene (connection-limits.ts); defaults: the option table's. */
  readonly connections?: ConnectionLimits;
  /** Load every aspired version before listening (TF Serving's behaviour); false loads on first use. */
  readonly preload: boolean;
  /** A polled config file (--model_config_file_poll_wait_seconds): started once the server listens. */
  readonly configWatch?: { start(changed: () => Promise<unknown>): () => void };
}

// A long-lived process can afford a timer: idle servers pick up new versions too. Requests still
// refresh lazily in between, exactly as on Workers and Lambda.
function startRefreshTimer(edgeserve: Edgeserve, intervalMs: number): () => void {
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(() => void edgeserve.manager.refresh().catch(() => {}), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface NodeServer extends Edgeserve {
  readonly url: string;
  close(): Promise<void>;
}

export async function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const edgeserve = createEdgeserve(options);
  if (options.preload) await edgeserve.warmup();
  const compression = options.compression ?? DEFAULT_COMPRESSION;
  const server = createServer(serverOptions(options.connections ?? DEFAULT_CONNECTION_LIMITS), (req, res) => {
    const request = fromIncomingMessage(req);
    edgeserve.handle(request)
      .then((response) => writeResponse(res, response, request, compression))
      // Unreachable in practice: the handler turns every failure into a response, zlib does not fail.
      .catch(() => res.destroy());
  });
  // node:http hands CONNECT to a 'connect' listener and, with none, drops the socket unanswered.
  // TF Serving (libevent) answers a method it does not serve with its 501 page: so does this.
  server.on('connect', (_req, socket) => {
    const page = libeventErrorPage(501);
    socket.end(`HTTP/1.1 501 Not Implemented\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(page.body!)}\r\nConnection: close\r\n\r\n${page.body}`);
  });
  server.maxConnections = (options.connections ?? DEFAULT_CONNECTION_LIMITS).maxConnections;
  await listen(server, options.port, options.host);
  const stopTimer = startRefreshTimer(edgeserve, options.refreshIntervalMs ?? DEFAULT_SERVING_OPTIONS.refreshIntervalMs);
  // A refresh already under way may have read the config before it changed: a second one, after
  // it, is sure to apply the new config (one extra listing per change of the file).
  const stopWatch = options.configWatch?.start(async () => {
    await edgeserve.manager.refresh();
    await edgeserve.manager.refresh();
  }) ?? (() => {});
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    ...edgeserve,
    url: `http://${host}:${port}`,
    async close() {
      stopTimer();
      stopWatch();
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
