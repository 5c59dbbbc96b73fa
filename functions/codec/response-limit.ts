// The cap on one response body (--max_response_bytes). TF Serving has none; an unbounded answer
// is memory any caller can ask for (16.7 M inputs to half_plus_two wrote 84 MB), so the writer
// stops as soon as it passes the cap and the client gets 413 naming the limit instead.

export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The response would be larger than this server's limit of ${limit} bytes (--max_response_bytes): ask for fewer instances or outputs`);
    this.name = 'ResponseTooLargeError';
  }
}
