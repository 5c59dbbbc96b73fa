// S3_ENDPOINT as TF Serving's S3 filesystem reads it (`host:port`, the scheme from S3_USE_HTTPS,
// default https) or as a URL, which says its scheme itself: the one URL every S3 client here takes.

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function s3EndpointUrl(endpoint: string | undefined, useHttps = true): string | undefined {
  if (endpoint === undefined || endpoint === '') return undefined;
  return HAS_SCHEME.test(endpoint) ? endpoint : `${useHttps ? 'https' : 'http'}://${endpoint}`;
}
