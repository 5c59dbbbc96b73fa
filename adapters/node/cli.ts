// `npm start`: serve a model repository folder over TF Serving's REST API.
// Flags follow TF Serving's names where one exists; each also reads an EDGESERVE_* variable.
import { parseArgs } from 'node:util';
import { consoleLogger } from '../../functions/log.ts';
import { DEFAULT_REST_OPTIONS } from '../../functions/rest/handler.ts';
import { FileSystemStore } from '../storage/fs.ts';
import { BACKEND_NAMES, type BackendName, createNodeBackend } from './ort-backends.ts';
import { startNodeServer } from './server.ts';

const USAGE = `Usage: edgeserve [options]
  --model_base_path DIR            model repository (default: ./models)      EDGESERVE_MODEL_BASE_PATH
  --rest_api_port N                port (default: 8501; 0 picks a free one) EDGESERVE_PORT
  --host ADDR                      bind address (default: 127.0.0.1)         EDGESERVE_HOST
  --backend ort-node|ort-web       inference runtime (default: ort-node)     EDGESERVE_BACKEND
  --threads N                      intra-op threads (default: runtime's)     EDGESERVE_THREADS
  --rest_api_enable_cors_support   CORS headers on /v1 responses             EDGESERVE_CORS=1
  --rest_api_timeout_in_ms N       model run deadline (default: 30000)       EDGESERVE_TIMEOUT_MS
  --max_body_bytes N               request body limit (default: 33554432)    EDGESERVE_MAX_BODY_BYTES
  --lazy                           load versions on first request            EDGESERVE_LAZY=1
  --help`;

function main(): Promise<void> | void {
  const { values } = parseArgs({
    options: {
      model_base_path: { type: 'string' },
      rest_api_port: { type: 'string' },
      host: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      rest_api_enable_cors_support: { type: 'boolean' },
      rest_api_timeout_in_ms: { type: 'string' },
      max_body_bytes: { type: 'string' },
      lazy: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = process.env;
  const backend = (values.backend ?? env.EDGESERVE_BACKEND ?? 'ort-node') as BackendName;
  if (!BACKEND_NAMES.includes(backend)) fail(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const threads = integer('threads', values.threads ?? env.EDGESERVE_THREADS, 0);
  return run({
    root: values.model_base_path ?? env.EDGESERVE_MODEL_BASE_PATH ?? 'models',
    port: integer('rest_api_port', values.rest_api_port ?? env.EDGESERVE_PORT, 8501),
    host: values.host ?? env.EDGESERVE_HOST ?? '127.0.0.1',
    backend,
    threads: threads || undefined,
    cors: values.rest_api_enable_cors_support ?? env.EDGESERVE_CORS === '1',
    timeoutMs: integer('rest_api_timeout_in_ms', values.rest_api_timeout_in_ms ?? env.EDGESERVE_TIMEOUT_MS, DEFAULT_REST_OPTIONS.timeoutMs),
    maxBodyBytes: integer('max_body_bytes', values.max_body_bytes ?? env.EDGESERVE_MAX_BODY_BYTES, DEFAULT_REST_OPTIONS.maxBodyBytes),
    lazy: values.lazy ?? env.EDGESERVE_LAZY === '1',
  });
}

interface RunOptions {
  root: string; port: number; host: string; backend: BackendName; threads: number | undefined;
  cors: boolean; timeoutMs: number; maxBodyBytes: number; lazy: boolean;
}

async function run(o: RunOptions): Promise<void> {
  const store = new FileSystemStore(o.root);
  const server = await startNodeServer({
    store,
    backend: await createNodeBackend(o.backend, { threads: o.threads }),
    logger: consoleLogger,
    port: o.port,
    host: o.host,
    preload: !o.lazy,
    cors: o.cors,
    timeoutMs: o.timeoutMs,
    maxBodyBytes: o.maxBodyBytes,
  });
  consoleLogger.log('info', 'server_listening', { url: server.url, models: store.description, backend: o.backend });
  const stop = () => {
    consoleLogger.log('info', 'server_stopping', {});
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function fail(message: string): never {
  console.error(`edgeserve: ${message}\n\n${USAGE}`);
  process.exit(2);
}

await main();
