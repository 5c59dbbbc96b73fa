// The Node adapter, for embedding edgeserve in a Node program: the server, the command, the
// option reader and the two onnxruntime builds. Re-exports only.
export { startNodeServer, type NodeServer, type NodeServerOptions } from './server.ts';
export { main } from './cli.ts';
export { parseCommandLine, type Command } from './command-line.ts';
export { nodeServerOptions } from './options.ts';
export { createNodeBackend, backendFromOptions, BACKEND_NAMES, type BackendName, type NodeBackendOptions } from '../shared/ort-backends.ts';
export { storeFromUrl, storeOptionsFrom, type StoreOptions } from '../shared/store-from-url.ts';
export type { OptionValues } from '../../functions/options/option-table.ts';
export type { EdgeserveOptions, Edgeserve } from '../../functions/app.ts';
export type { InferenceBackend } from '../../functions/runtime/backend.ts';
export type { ModelStore } from '../../functions/storage/model-store.ts';
