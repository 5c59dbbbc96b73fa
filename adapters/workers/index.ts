// The Workers adapter (wrangler.toml's `main`): the Worker and the types of its env. Re-exports
// only, and no values besides the default: workerd treats a module's named exports as entrypoints.
export { default } from './worker.ts';
export type { Env, WorkersOptions } from './options.ts';
