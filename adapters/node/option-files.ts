// The option files Node's flags name (--monitoring_config_file, --batching_parameters_file; the
// model config file has its own reader, config-file-watch.ts), read after the command line is
// parsed: parsing stays pure, and only a server that starts touches the filesystem. A field these files do not know is an error
// naming the file and the field (exit status 2), never a setting that silently does nothing.
import { readFile } from 'node:fs/promises';
import { parseTextFormat, TextFormatError } from '../../functions/config/config-text.ts';
import { parseBatchingParameters, type BatchingParameters } from '../../functions/config/batching-parameters.ts';
import { OptionError } from '../../functions/options/parse-value.ts';

type Message = ReturnType<typeof parseTextFormat>;
type FieldValue = NonNullable<ReturnType<Message['get']>>[number];

/** A text-format file, its syntax errors as usage errors naming it. */
async function readTextFormat(path: string): Promise<Message> {
  const text = await readFile(path, 'utf8');
  try {
    return parseTextFormat(text);
  } catch (e) {
    if (e instanceof TextFormatError) throw new OptionError(`${path}: ${e.message}`);
    throw e;
  }
}

function onlyFields(message: Message, allowed: readonly string[], path: string, file: string): void {
  for (const field of message.keys()) {
    if (!allowed.includes(field)) throw new OptionError(`${file}: ${path}${field}: unknown field; expected ${allowed.join(' or ')}`);
  }
}

/** A singular field's one value (protobuf text format lets a later one win; TF Serving's files never repeat one). */
function single(message: Message, field: string): FieldValue | undefined {
  return message.get(field)?.at(-1);
}

/** Protobuf text format's spellings of a bool (text_format.cc), so TF Serving's files read the same here. */
const BOOLS: ReadonlyMap<string, boolean> = new Map([
  ['true', true], ['True', true], ['t', true], ['1', true],
  ['false', false], ['False', false], ['f', false], ['0', false],
]);

/**
 * TF Serving's MonitoringConfig, `prometheus_config { enable: true, path: "…" }`: the metrics
 * path, TF Serving's /monitoring/prometheus/metrics when the path is empty; undefined when off.
 */
export async function prometheusPathFromFile(file: string): Promise<string | undefined> {
  const config = await readTextFormat(file);
  onlyFields(config, ['prometheus_config'], '', file);
  const prometheus = single(config, 'prometheus_config');
  if (prometheus === undefined) return undefined;
  if (!(prometheus instanceof Map)) throw new OptionError(`${file}: prometheus_config: must be a message { … }`);
  onlyFields(prometheus, ['enable', 'path'], 'prometheus_config.', file);
  const enableValue = single(prometheus, 'enable');
  const enable = enableValue === undefined ? false : BOOLS.get(String(enableValue));
  if (enable === undefined || enableValue instanceof Map) {
    throw new OptionError(`${file}: prometheus_config.enable: must be true or false, got ${enableValue instanceof Map ? 'a message' : JSON.stringify(enableValue)}`);
  }
  const metricsPath = single(prometheus, 'path');
  if (metricsPath !== undefined && typeof metricsPath !== 'string') throw new OptionError(`${file}: prometheus_config.path: must be a string`);
  if (!enable) return undefined;
  return metricsPath ? metricsPath : '/monitoring/prometheus/metrics';
}

/** Fields of BatchingParameters that repeat (a list); every other one is singular. */
const REPEATED = new Set(['allowed_batch_sizes']);

/**
 * TF Serving's BatchingParameters in text format (`max_batch_size { value: 32 }` …): a wrapper
 * message holds `value` and nothing else. A bad or unknown field is a usage error naming the file.
 */
export async function batchingParametersFromFile(file: string): Promise<BatchingParameters> {
  const text = await readTextFormat(file);
  const fields: Record<string, unknown> = {};
  for (const [field, values] of text) {
    if (REPEATED.has(field)) {
      fields[field] = values;
      continue;
    }
    const v = values.at(-1);
    if (v instanceof Map) {
      onlyFields(v, ['value'], `${field}.`, file);
      fields[field] = { value: single(v, 'value') };
    } else fields[field] = v;
  }
  return parseBatchingParameters(fields, '', (path, problem) => {
    throw new OptionError(`${file}: ${path.replace(/^\./, '')}: ${problem}`);
  });
}
