// The function's options, read from its environment over the shared option table: the same
// names as Node's variables and Workers' vars. Models come from EDGESERVE_MODEL_BASE_PATH
// (s3://…, an https:// repository, or a folder in the package or a layer).
import type { EdgeserveOptions } from '../../functions/app.ts';
import { servingOptions } from '../../functions/app-options.ts';
import { emfSink } from '../../functions/metrics/emf.ts';
import { readEnvOptions, type EnvRecord } from '../../functions/options/read-options.ts';
import type { Logger } from '../../functions/util/log.ts';
import { backendFromOptions } from '../shared/ort-backends.ts';
import { storeFromUrl, storeOptionsFrom } from '../shared/store-from-url.ts';

export async function lambdaOptions(env: EnvRecord, logger: Logger): Promise<EdgeserveOptions> {
  const values = readEnvOptions(env, 'lambda');
  if (!values.modelBasePath) throw new Error('EDGESERVE_MODEL_BASE_PATH is not set (e.g. s3://my-bucket/models)');
  return {
    ...servingOptions(values),
    store: storeFromUrl(values.modelBasePath, storeOptionsFrom(values)),
    // The same ort-node backend as the Node server: threads and execution providers apply.
    backend: await backendFromOptions(values, logger),
    logger,
    // CloudWatch turns each request's EMF line into metrics (count, latency, cold starts per model).
    requestSink: values.logRequests === false ? undefined : emfSink((line) => process.stdout.write(`${line}\n`)),
  };
}
