// TF Serving's ServableRequest: which version of a model a request asks for.

/**
 * None (latest), a number, or a label. A version past 2^53 cannot name a loaded version (the
 * source only tracks safe integers) but keeps its exact digits, as a bigint, for the error text.
 */
export type VersionSelector =
  | { readonly kind: 'latest' }
  | { readonly kind: 'version'; readonly version: number | bigint }
  | { readonly kind: 'label'; readonly label: string };
