// Node's options, read over the shared option table (command-line.ts parses them): the values →
// everything startNodeServer takes, including what only Node has (files named by flags, half the
// machine's RAM as the memory budget, batched stdout request logs).
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import { servingOptions } from '../../functions/app-options.ts';
import { jsonLineSink } from '../../functions/metrics/request-record.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import type { Logger } from '../../functions/util/log.ts';
import { backendFromOptions } from '../shared/ort-backends.ts';
import { storeFromUrl, storeOptionsFrom } from '../shared/store-from-url.ts';
import { batchingParametersFromFile, prometheusPathFromFile, readModelConfigFile } from './option-files.ts';
import { batchedLineWriter } from './line-writer.ts';
import type { NodeServerOptions } from './server.ts';

export async function nodeServerOptions(values: OptionValues, logger: Logger): Promise<NodeServerOptions> {
  // A file named by a flag beats the variable holding the same setting: the variable is not read.
  const serving = servingOptions({
    ...values,
    ...(values.modelConfigFile ? { modelConfig: undefined } : {}),
    ...(values.authConfigFile ? { authConfig: undefined } : {}),
  });
  return {
    ...serving,
    ...(values.modelConfigFile ? { config: await readModelConfigFile(values.modelConfigFile) } : {}),
    ...(values.authConfigFile ? { auth: parseAuthConfig(await readFile(values.authConfigFile, 'utf8'), values.authConfigFile) } : {}),
    ...(values.monitoringConfigFile ? { metricsPath: await prometheusPathFromFile(values.monitoringConfigFile) } : {}),
    ...(values.batchingParametersFile ? { batching: await batchingParametersFromFile(values.batchingParametersFile) } : {}),
    // The table gives Node a value default for these three, so they are always set here.
    store: storeFromUrl(values.modelBasePath!, storeOptionsFrom(values)),
    port: values.port!,
    host: values.host!,
    preload: !values.lazy,
    backend: await backendFromOptions(values, logger),
    logger,
    // A server owns its machine: half the RAM for model files (the edge default is sized for 128 MB).
    memoryBudgetBytes: values.memoryBudgetBytes ?? Math.floor(totalmem() / 2),
    requestSink: values.logRequests === false ? undefined : jsonLineSink(batchedLineWriter()),
  };
}
