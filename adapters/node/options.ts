// Node's options, read over the shared option table (command-line.ts parses them): the values →
// everything startNodeServer takes, including what only Node has (files named by flags, half the
// machine's RAM as the memory budget, batched stdout request logs, TF Serving's single-model mode
// with a folder relative to the working directory).
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import { checkVersionLabels, servingChoice } from '../../functions/app-options.ts';
import { jsonLineSink } from '../../functions/metrics/request-record.ts';
import type { ModelSource } from '../../functions/options/model-source.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import type { Logger } from '../../functions/util/log.ts';
import { backendFromOptions } from '../shared/ort-backends.ts';
import { compressionPolicy } from '../shared/response-compression.ts';
import { storeFromUrl, storeOpener, storeOptionsFrom } from '../shared/store-from-url.ts';
import { ConfigFileWatch } from './config-file-watch.ts';
import { batchingParametersFromFile, prometheusPathFromFile } from './option-files.ts';
import { batchedLineWriter } from './line-writer.ts';
import type { NodeServerOptions } from './server.ts';

/** The repository edgeserve serves when nothing names one. */
export const DEFAULT_REPOSITORY = 'models';

export interface NodeStart extends NodeServerOptions {
  /** Which models are served, and from where, in words (the start-up summary and log say it). */
  readonly mode: string;
}

/** A local folder is read from its absolute path: a config's relative base_path would mean "under the repository". */
const absolute = (path: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : resolve(path));

export async function nodeServerOptions(values: OptionValues, logger: Logger): Promise<NodeStart> {
  // A file named by a flag beats the variable holding the same setting: the variable is not read.
  const { serving, source, notices } = servingChoice(
    {
      ...values,
      ...(values.modelConfigFile ? { modelConfig: undefined } : {}),
      ...(values.authConfigFile ? { authConfig: undefined } : {}),
    },
    { absolute },
  );
  for (const notice of notices) logger.log('warn', notice.event, notice.fields);
  const storage = storeOptionsFrom(values);
  if (storage.s3SkipCertificateCheck) {
    logger.log('warn', 's3_certificate_check_off', { reason: 'S3_VERIFY_SSL=0: the S3 endpoint\'s certificate is not checked' });
  }
  const watch = values.modelConfigFile
    ? await ConfigFileWatch.open({
        file: values.modelConfigFile,
        pollSeconds: values.modelConfigPollSeconds ?? 0,
        logger,
        check: (config) => checkVersionLabels(config, values.allowVersionLabels ?? true),
      })
    : undefined;
  const repository = source.kind === 'single' ? absolute(source.basePath) : (values.modelBasePath ?? DEFAULT_REPOSITORY);
  return {
    ...serving,
    ...(watch ? { config: watch.current, configWatch: watch } : {}),
    ...(values.authConfigFile ? { auth: parseAuthConfig(await readFile(values.authConfigFile, 'utf8'), values.authConfigFile) } : {}),
    ...(values.monitoringConfigFile ? { metricsPath: await prometheusPathFromFile(values.monitoringConfigFile) } : {}),
    ...(values.batchingParametersFile ? { batching: await batchingParametersFromFile(values.batchingParametersFile) } : {}),
    // In single-model mode the model's own store is the repository too: the Source does not list
    // a repository when every model of the config has its own place, and logs name this store.
    store: storeFromUrl(repository, storage),
    openStore: storeOpener(storage),
    // The table gives Node a value default for these two, so they are always set here.
    port: values.port!,
    host: values.host!,
    compression: compressionPolicy(values),
    connections: { headersTimeoutMs: values.headersTimeoutMs!, requestTimeoutMs: values.requestTimeoutMs!, maxConnections: values.maxConnections! },
    preload: !values.lazy,
    backend: await backendFromOptions(values, logger),
    logger,
    // A server owns its machine: half the RAM for model files (the edge default is sized for 128 MB).
    memoryBudgetBytes: values.memoryBudgetBytes ?? Math.floor(totalmem() / 2),
    requestSink: values.logRequests === false ? undefined : jsonLineSink(batchedLineWriter()),
    mode: describeMode(source, values, repository),
  };
}

function describeMode(source: ModelSource, values: OptionValues, repository: string): string {
  switch (source.kind) {
    case 'single':
      return `one model, ${source.name}, from ${repository} (TF Serving's single-model mode, ${source.from === 'flags' ? '--model_name' : 'MODEL_NAME and MODEL_BASE_PATH'})`;
    case 'config': {
      const file = values.modelConfigFile;
      if (file === undefined) return 'the models of EDGESERVE_MODEL_CONFIG';
      const poll = values.modelConfigPollSeconds ? `, read again every ${values.modelConfigPollSeconds} s` : ', read once';
      return `the models of ${file}${poll}; relative base_paths under ${repository}`;
    }
    case 'repository':
      return `every model folder of ${repository}`;
  }
}
