// TF Serving's flags and variables over the option table: the list of tensorflow_model_server's
// flags agrees with the table, the model source follows TF Serving's rules (single-model mode from
// flags or from the image's variables), and the values reach serving in TF Serving's units.
import { describe, expect, it } from 'vitest';
import { checkVersionLabels, servingChoice, servingOptions, singleModelConfig } from '../../functions/app-options.ts';
import { parseRepositoryConfig } from '../../functions/config/model-config.ts';
import { childPath, modelSource } from '../../functions/options/model-source.ts';
import type { OptionSpec } from '../../functions/options/option-spec.ts';
import { OPTIONS, RENAMED_FLAGS, type OptionValues } from '../../functions/options/option-table.ts';
import { OptionError } from '../../functions/options/parse-value.ts';
import { readEnvOptions, resolveOptions } from '../../functions/options/read-options.ts';
import { s3EndpointUrl } from '../../functions/options/s3-endpoint.ts';
import { IGNORED_TF_FLAGS, TF_SERVING_FLAGS } from '../../functions/options/tf-serving-flags.ts';
import { threadCounts } from '../../adapters/shared/ort-backends.ts';
import { storeOptionsFrom } from '../../adapters/shared/store-from-url.ts';

const flags = new Map((OPTIONS as readonly OptionSpec[]).flatMap((o) => (o.flag ? [[o.flag, o] as const] : [])));
const node = (env: Record<string, string> = {}, given: Record<string, string> = {}) => resolveOptions('node', env, new Map(Object.entries(given)));

describe("the list of tensorflow_model_server's flags", () => {
  it('names each flag once, and the ones the brief and the issue name', () => {
    const names = TF_SERVING_FLAGS.map((f) => f.flag);
    expect(new Set(names).size).toBe(names.length);
    for (const flag of [
      'port', 'grpc_socket_path', 'rest_api_port', 'rest_api_num_threads', 'rest_api_timeout_in_ms', 'rest_api_enable_cors_support', 'enable_batching',
      'allow_version_labels_for_unavailable_models', 'batching_parameters_file', 'model_config_file', 'model_config_file_poll_wait_seconds', 'model_name',
      'model_base_path', 'num_load_threads', 'num_unload_threads', 'max_num_load_retries', 'load_retry_interval_micros', 'file_system_poll_wait_seconds',
      'tensorflow_session_parallelism', 'tensorflow_intra_op_parallelism', 'tensorflow_inter_op_parallelism', 'ssl_config_file', 'enable_model_warmup',
      'num_request_iterations_for_warmup', 'version', 'monitoring_config_file', 'xla_cpu_compilation_enabled', 'prefer_tflite_model', 'skip_initialize_tpu',
    ]) expect(names).toContain(flag);
  });

  it('has every honoured flag in the option table, on Node, and no ignored one there', () => {
    for (const f of TF_SERVING_FLAGS) {
      if (f.flag === 'version') continue; // the command line's own, like --help
      if (f.status === 'ignored') expect(flags.has(f.flag), f.flag).toBe(false);
      else expect(flags.get(f.flag)?.platforms, f.flag).toContain('node');
    }
    expect(IGNORED_TF_FLAGS.get('port')).toMatchObject({ type: 'integer' });
    expect(IGNORED_TF_FLAGS.get('per_process_gpu_memory_fraction')).toMatchObject({ type: 'rate' });
    for (const f of IGNORED_TF_FLAGS.values()) expect(f.note, f.flag).not.toBe('');
  });

  it('renames --threads to its TF Serving name, which the table has', () => {
    expect(RENAMED_FLAGS).toContainEqual({ flag: 'threads', now: 'tensorflow_intra_op_parallelism' });
    expect(flags.get('tensorflow_intra_op_parallelism')).toMatchObject({ key: 'threads', env: 'EDGESERVE_THREADS' });
  });
});

describe('modelSource: which models are served', () => {
  it('single-model mode from --model_name with --model_base_path (or EDGESERVE_MODEL_BASE_PATH)', () => {
    expect(modelSource(node({}, { modelName: 'm', modelBasePath: 's3://b/m' })).source).toEqual({ kind: 'single', name: 'm', basePath: 's3://b/m', from: 'flags' });
    expect(modelSource(node({ EDGESERVE_MODEL_BASE_PATH: '/srv/m' }, { modelName: 'm' })).source).toMatchObject({ kind: 'single', basePath: '/srv/m' });
    expect(modelSource(node({ MODEL_BASE_PATH: '/models' }, { modelName: 'm' })).source).toMatchObject({ kind: 'single', basePath: '/models/m' });
    expect(() => modelSource(node({}, { modelName: 'm' }))).toThrow(OptionError);
  });

  it("single-model mode from the image's MODEL_NAME and MODEL_BASE_PATH, when nothing else names the models", () => {
    const env = { MODEL_NAME: 'my_model', MODEL_BASE_PATH: 's3://bucketname/model_path/' };
    expect(modelSource(node(env))).toEqual({ source: { kind: 'single', name: 'my_model', basePath: 's3://bucketname/model_path/my_model', from: 'environment' }, notices: [] });
    expect(modelSource(node(env, { modelBasePath: 'models' })).source).toEqual({ kind: 'repository' });
    expect(modelSource(node({ ...env, EDGESERVE_MODEL_BASE_PATH: 'models' })).notices[0]).toMatchObject({ event: 'variable_ignored' });
    expect(modelSource(node({ ...env, EDGESERVE_MODEL_CONFIG: '{"models": []}' })).source).toEqual({ kind: 'config' });
  });

  it('says when one of the two variables alone is ignored', () => {
    const { source, notices } = modelSource(node({ MODEL_NAME: 'm' }));
    expect(source).toEqual({ kind: 'repository' });
    expect(notices).toEqual([{ event: 'variable_ignored', fields: { variables: ['MODEL_NAME'], reason: expect.stringContaining('needs both') } }]);
  });

  it('ignores --model_name when a config file is given, as TF Serving does, and says so', () => {
    const { source, notices } = modelSource(node({}, { modelName: 'm', modelConfigFile: 'models.config' }));
    expect(source).toEqual({ kind: 'config' });
    expect(notices).toEqual([{ event: 'flag_ignored', fields: { flag: '--model_name', reason: expect.stringContaining('ignores') } }]);
  });

  it('joins a base path and a name without doubling a slash', () => {
    expect(childPath('/models', 'm')).toBe('/models/m');
    expect(childPath('s3://b/p//', 'm')).toBe('s3://b/p/m');
  });
});

describe('values in TF Serving units reach serving', () => {
  it('a single model: one config entry, read from its absolute place', () => {
    const { serving, source } = servingChoice(node({}, { modelName: 'hpt', modelBasePath: 'models/half_plus_two' }), { absolute: (p) => `/work/${p}` });
    expect(source.kind).toBe('single');
    const config = serving.config as ReturnType<typeof singleModelConfig>;
    expect(config.models).toEqual([expect.objectContaining({ name: 'hpt', basePath: '', location: '/work/models/half_plus_two', versionLabels: new Map() })]);
    expect(singleModelConfig('m', 's3://b/m/').models[0]).toMatchObject({ location: 's3://b/m', versionPolicy: { kind: 'latest', numVersions: 1 } });
  });

  it('--load_retry_interval_micros wins over the ms option, rounded up; warmup iterations 0 is the default', () => {
    expect(servingOptions(node({}, { loadRetryIntervalMicros: '1500000', loadRetryIntervalMs: '9' }))).toMatchObject({ loadRetryIntervalMs: 1500 });
    expect(servingOptions(node({}, { loadRetryIntervalMicros: '1' })).loadRetryIntervalMs).toBe(1);
    expect(servingOptions(node({}, { loadRetryIntervalMs: '9' })).loadRetryIntervalMs).toBe(9);
    expect(servingOptions(node({}, { warmupIterations: '0' })).warmupIterations).toBeUndefined();
    expect(servingOptions(node({}, { warmupIterations: '3' })).warmupIterations).toBe(3);
  });

  it('--allow_version_labels_for_unavailable_models reaches createEdgeserve on every platform', () => {
    expect(servingOptions(node({}, { allowVersionLabelsForUnavailableModels: 'true' })).allowVersionLabelsForUnavailableModels).toBe(true);
    expect(servingOptions(readEnvOptions({ EDGESERVE_ALLOW_VERSION_LABELS_FOR_UNAVAILABLE_MODELS: '1' }, 'workers')).allowVersionLabelsForUnavailableModels).toBe(true);
    expect(servingOptions(node()).allowVersionLabelsForUnavailableModels).toBe(false);
  });

  it('--allow_version_labels=false refuses a config with labels, with TF Serving\'s message', () => {
    const labelled = parseRepositoryConfig('{"models": [{"name": "m", "version_labels": {"stable": 1}}, {"name": "n"}]}', 'c');
    expect(checkVersionLabels(labelled, true)).toBe(labelled);
    expect(() => checkVersionLabels(labelled, false)).toThrow(/^Model version labels are not currently allowed by the server .* labels m$/);
    expect(() => servingOptions(readEnvOptions({ EDGESERVE_ALLOW_VERSION_LABELS: '0', EDGESERVE_MODEL_CONFIG: '{"models": [{"name": "m", "version_labels": {"a": 1}}]}' }, 'lambda'))).toThrow(OptionError);
  });

  it('thread flags by TF Serving\'s rule', () => {
    const t = (given: Record<string, string>) => threadCounts(node({}, given) as OptionValues);
    expect(t({})).toEqual({ threads: undefined, interOpThreads: undefined });
    expect(t({ threads: '4' })).toEqual({ threads: 4, interOpThreads: undefined });
    expect(t({ threads: '4', interOpThreads: '2' })).toEqual({ threads: 4, interOpThreads: 2 });
    expect(t({ sessionParallelism: '3' })).toEqual({ threads: 3, interOpThreads: 3 });
    expect(t({ interOpThreads: '2', sessionParallelism: '3' })).toEqual({ threads: undefined, interOpThreads: 2 });
    expect(() => t({ threads: '1', interOpThreads: '1', sessionParallelism: '1' })).toThrow(/You cannot configure all/);
  });
});

describe("TF Serving's S3 variables", () => {
  it('S3_ENDPOINT as host:port with S3_USE_HTTPS, or as a URL', () => {
    expect(s3EndpointUrl('minio:9000')).toBe('https://minio:9000');
    expect(s3EndpointUrl('minio:9000', false)).toBe('http://minio:9000');
    expect(s3EndpointUrl('http://127.0.0.1:9000', true)).toBe('http://127.0.0.1:9000');
    expect(s3EndpointUrl(undefined)).toBeUndefined();
    expect(storeOptionsFrom(node({ S3_ENDPOINT: 'minio:9000', S3_USE_HTTPS: '0' }))).toMatchObject({ s3Endpoint: 'http://minio:9000' });
    expect(storeOptionsFrom(readEnvOptions({ S3_ENDPOINT: 'minio:9000' }, 'lambda'))).toMatchObject({ s3Endpoint: 'https://minio:9000' });
  });

  it('AWS_REGION is the region unless S3_REGION is set; S3_VERIFY_SSL=0 skips the certificate check', () => {
    expect(storeOptionsFrom(node({ AWS_REGION: 'eu-west-1' })).s3Region).toBe('eu-west-1');
    expect(storeOptionsFrom(node({ AWS_REGION: 'eu-west-1', S3_REGION: 'us-west-2' })).s3Region).toBe('us-west-2');
    expect(storeOptionsFrom(node({ S3_VERIFY_SSL: '0' })).s3SkipCertificateCheck).toBe(true);
    expect(storeOptionsFrom(node()).s3SkipCertificateCheck).toBe(false);
    expect(readEnvOptions({ AWS_REGION: 'ap-south-1' }, 'workers')).toMatchObject({ awsRegion: 'ap-south-1' });
    expect(readEnvOptions({}, 'workers').s3Region).toBeUndefined(); // us-east-1 is S3FetchStore's own default
  });
});
