export { default } from './worker.ts';
export type { Env } from './worker.ts';
