// TensorFlow's canonical status codes and TF Serving's mapping of them to HTTP
// (model_servers/http_server.cc ToHTTPStatusCode).

export type StatusCode =
  | 'OK' | 'CANCELLED' | 'UNKNOWN' | 'INVALID_ARGUMENT' | 'DEADLINE_EXCEEDED' | 'NOT_FOUND'
  | 'ALREADY_EXISTS' | 'PERMISSION_DENIED' | 'UNAUTHENTICATED' | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION' | 'ABORTED' | 'OUT_OF_RANGE' | 'UNIMPLEMENTED' | 'INTERNAL'
  | 'UNAVAILABLE' | 'DATA_LOSS';

const HTTP_STATUS: Record<StatusCode, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
};

/** A failure with a TF status code; its message is what the client reads in `{"error": …}`. */
export class ServingError extends Error {
  constructor(
    readonly code: Exclude<StatusCode, 'OK'>,
    message: string,
  ) {
    super(message);
    this.name = 'ServingError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** Headers the answer to this error carries (a 405's Allow); none for most. */
  get headers(): Record<string, string> | undefined {
    return undefined;
  }

  /** absl's Status::ToString(), used where TF Serving nests one status inside another's text. */
  toStatusString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export const invalidArgument = (message: string) => new ServingError('INVALID_ARGUMENT', message);
export const notFound = (message: string) => new ServingError('NOT_FOUND', message);
