/** A server speaking the same protocol that a model or a routing arm is offloaded to (the GPU container). */
export interface RemoteBackend {
  readonly url: string;
  readonly timeoutMs: number;
}
