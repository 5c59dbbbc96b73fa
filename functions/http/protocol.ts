// The port through which a second protocol (the Open Inference Protocol, functions/v2/) is served by
// the one REST handler: the handler keeps authentication, scopes, request ids, metrics, request
// records and the mapping of failures to status codes; the protocol only routes, decodes, calls
// inference and encodes. It is a port, implemented above this layer and handed in by app.ts,
// because the protocol builds on this layer's exchange, body reading and responses.
import type { Scope } from '../auth/auth-config.ts';
import type { RestRequest, RestResponse } from './exchange.ts';
import type { RestScope } from './request-log.ts';

/** One routed call of a protocol, before the caller is authorized for it. */
export interface ProtocolCall {
  /** The model the call is for, '' for none: authorization by model, metric labels, the record. */
  readonly model: string;
  /** request_latency's and the record's API label (e.g. infer; '' for metadata and health). */
  readonly api: string;
  /** The scope a caller needs for this call (with authentication on). */
  readonly scope: Scope;
  /** The answer; failures are thrown (ServingError, BodyTooLargeError …) and mapped by the handler. */
  answer(request: RestRequest, scope: RestScope): Promise<RestResponse>;
}

export interface Protocol {
  /** request_latency's entrypoint label (TF Serving's own requests are REST). */
  readonly entrypoint: string;
  /** Whether the request target belongs to this protocol. */
  owns(pathAndQuery: string): boolean;
  /**
   * The probes answered to anyone, before authentication (as /edgeserve/live and /ready are):
   * `authenticated` says whether the server has authentication on, so the answer may say less.
   */
  probe(method: string, pathAndQuery: string, authenticated: boolean): RestResponse | undefined;
  /** The call a method and target ask for; throws a ServingError for a target it does not serve. */
  route(method: string, pathAndQuery: string): ProtocolCall;
  /** This protocol's error body for a status and message. */
  errorResponse(status: number, message: string, headers?: Record<string, string>): RestResponse;
}
