// The files Node's flags name (--model_config_file, --monitoring_config_file,
// --batching_parameters_file), read after the command line is parsed: parsing stays pure, and
// only a server that starts touches the filesystem.
import { readFile } from 'node:fs/promises';
import { parseTextFormat } from '../../functions/config/config-text.ts';
import { parseRepositoryConfig, type RepositoryConfig } from '../../functions/config/model-config.ts';
import { parseBatchingParameters, type BatchingParameters } from '../../functions/config/batching-parameters.ts';
import { OptionError } from '../../functions/options/parse-value.ts';

export async function readModelConfigFile(path: string): Promise<RepositoryConfig> {
  return parseRepositoryConfig(await readFile(path, 'utf8'), path);
}

/**
 * TF Serving's monitoring config, `prometheus_config { enable: true, path: "…" }`: the metrics
 * path, TF Serving's /monitoring/prometheus/metrics when the path is empty; undefined when off.
 */
export async function prometheusPathFromFile(path: string): Promise<string | undefined> {
  const config = parseTextFormat(await readFile(path, 'utf8'));
  const prometheus = config.get('prometheus_config')?.[0];
  if (!(prometheus instanceof Map)) return undefined;
  if (prometheus.get('enable')?.[0] !== 'true') return undefined;
  const metricsPath = prometheus.get('path')?.[0];
  return typeof metricsPath === 'string' && metricsPath !== '' ? metricsPath : '/monitoring/prometheus/metrics';
}

/**
 * TF Serving's BatchingParameters in text format (`max_batch_size { value: 32 }` …). A field
 * with a bad value is a usage error (OptionError, exit status 2), as it was before the table.
 */
export async function batchingParametersFromFile(path: string): Promise<BatchingParameters> {
  const text = parseTextFormat(await readFile(path, 'utf8'));
  const fields = Object.fromEntries(
    [...text].map(([k, v]) => [k, v.length > 1 ? v : v[0] instanceof Map ? { value: v[0].get('value')?.[0] } : v[0]]),
  );
  return parseBatchingParameters(fields, path, (field, problem) => {
    throw new OptionError(`${field}: ${problem}`);
  });
}
