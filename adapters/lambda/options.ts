// The function's options, read from its environment over the shared option table: the same
// names as Node's variables and Workers' vars. Models come from EDGESERVE_MODEL_BASE_PATH
// (s3://…, an https:// repository, or a folder in the package or a layer), or, as from TF
// Serving's image, from MODEL_NAME and MODEL_BASE_PATH (one model, ${MODEL_BASE_PATH}/${MODEL_NAME}).
import { resolve } from 'node:path';
import type { EdgeserveOptions } from '../../functions/app.ts';
import { servingChoice } from '../../functions/app-options.ts';
import { emfSink } from '../../functions/metrics/emf.ts';
import { readEnvOptions, type EnvRecord } from '../../functions/options/read-options.ts';
import type { Logger } from '../../functions/util/log.ts';
import { backendFromOptions } from '../shared/ort-backends.ts';
import { compressionPolicy, type CompressionPolicy } from '../shared/response-compression.ts';
import { storeFromUrl, storeOpener, storeOptionsFrom } from '../shared/store-from-url.ts';

const absolute = (path: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : resolve(path));

export interface LambdaOptions extends EdgeserveOptions {
  /** br/gzip for big answers when the client accepts them (the adapter's, not the handler's, job). */
  readonly compression: CompressionPolicy;
}

export async function lambdaOptions(env: EnvRecord, logger: Logger): Promise<LambdaOptions> {
  const values = readEnvOptions(env, 'lambda');
  const { serving, source, notices } = servingChoice(values, { absolute });
  for (const notice of notices) logger.log('warn', notice.event, notice.fields);
  const location = source.kind === 'single' ? absolute(source.basePath) : values.modelBasePath;
  if (!location) throw new Error('EDGESERVE_MODEL_BASE_PATH is not set (e.g. s3://my-bucket/models), nor MODEL_NAME and MODEL_BASE_PATH');
  const storage = storeOptionsFrom(values);
  if (storage.s3SkipCertificateCheck) logger.log('warn', 's3_certificate_check_off', { reason: 'S3_VERIFY_SSL=0: the S3 endpoint\'s certificate is not checked' });
  const store = storeFromUrl(location, storage);
  return {
    ...serving,
    store,
    openStore: storeOpener(storage),
    // The same ort-node backend as the Node server: threads and execution providers apply.
    backend: await backendFromOptions(values, logger),
    logger,
    // CloudWatch turns each request's EMF line into metrics (count, latency, cold starts per model).
    compression: compressionPolicy(values),
    requestSink: values.logRequests === false ? undefined : emfSink((line) => process.stdout.write(`${line}\n`)),
  };
}
