// The Lambda adapter (the bundle's entry, serverless.yml's index.handler). Re-exports only.
export { handler } from './handler.ts';
