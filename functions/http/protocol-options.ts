// What both protocols (TF Serving's REST, functions/rest/; the Open Inference Protocol,
// functions/v2/) are given: the manager and inference layer they call, and one set of limits, so
// that a body, a tensor or an answer is bounded the same whichever protocol carries it.
import type { Inference } from '../inference/inference.ts';
import type { Manager } from '../serving/manager.ts';
import type { BodyLimits } from './body.ts';
import type { ResponseOptions } from './responses.ts';

export interface ProtocolOptions extends ResponseOptions {
  readonly manager: Manager;
  readonly inference: Inference;
  /** Larger bodies (after gunzip too) get 413. TF Serving has no limit; serverless platforms do. */
  readonly maxBodyBytes: number;
  /** How many times its size a gzip body may inflate to, past its first MiB (413). */
  readonly maxGzipRatio: number;
  /** Tensor elements one request may decode to, all inputs together (400). */
  readonly maxRequestElements: number;
  /** Response bodies past this many bytes are refused while they are written (413). */
  readonly maxResponseBytes: number;
  /** Share of requests whose body goes into their record (0, the default: never). */
  readonly requestBodySampleRate?: number;
}

/** The limits a protocol reads its bodies under. */
export function bodyLimits(options: ProtocolOptions): BodyLimits {
  return { maxBytes: options.maxBodyBytes, maxGzipRatio: options.maxGzipRatio };
}
