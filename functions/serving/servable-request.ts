// TF Serving's ServableRequest: which version of a model a request asks for.
import { ServingError } from '../util/status.ts';

/**
 * None (latest), a number, or a label. A version past 2^53 cannot name a loaded version (the
 * source only tracks safe integers) but keeps its exact digits, as a bigint, for the error text.
 */
export type VersionSelector =
  | { readonly kind: 'latest' }
  | { readonly kind: 'version'; readonly version: number | bigint }
  | { readonly kind: 'label'; readonly label: string };

/** TF Serving's answer for a request no version can serve: `Latest(m)` or `Specific(m, v)`. */
export function servableNotFound(model: string, selector: Exclude<VersionSelector, { kind: 'label' }>): ServingError {
  const request = selector.kind === 'latest' ? `Latest(${model})` : `Specific(${model}, ${selector.version})`;
  return new ServingError('NOT_FOUND', `Servable not found for request: ${request}`);
}
