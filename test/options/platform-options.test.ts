// Each adapter's options.ts over the table: what Workers and Lambda hand createEdgeserve.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCHING } from '../../functions/config/batching-parameters.ts';
import { lambdaOptions } from '../../adapters/lambda/options.ts';
import { workersOptions } from '../../adapters/workers/options.ts';
import { silentLogger } from '../../functions/util/log.ts';

const bucket = { list: async () => ({ objects: [], truncated: false }), get: async () => null };

describe('workersOptions', () => {
  it('hands serving every option it reads (warmup, retries, load timeout, batching …)', () => {
    const { serving, cacheModels, warmupModels } = workersOptions({
      MODELS: bucket, MODELS_PREFIX: 'repo', EDGESERVE_WARMUP: '0', EDGESERVE_MAX_LOAD_RETRIES: '1', EDGESERVE_LOAD_TIMEOUT_MS: '900',
      EDGESERVE_BATCHING: 'true', EDGESERVE_CACHE_MODELS: 'half_plus_two', EDGESERVE_WARMUP_MODELS: 'mnist,two_io',
    });
    expect(serving).toMatchObject({ warmup: false, maxLoadRetries: 1, loadTimeoutMs: 900, batching: DEFAULT_BATCHING, memoryBudgetBytes: 40 * 1024 * 1024 });
    expect(serving.store.description).toContain('repo');
    expect([...cacheModels]).toEqual(['half_plus_two']);
    expect(warmupModels).toEqual(['mnist', 'two_io']);
    expect(serving.requestSink).toBeDefined();
  });

  it('reads the repository from EDGESERVE_MODEL_BASE_PATH without the R2 binding', () => {
    const { serving } = workersOptions({ EDGESERVE_MODEL_BASE_PATH: 's3://models/repo', S3_ENDPOINT: 'http://127.0.0.1:9', EDGESERVE_LOG_REQUESTS: '0' });
    expect(serving.store.description).toBe('s3://models/repo/');
    expect(serving.requestSink).toBeUndefined();
    expect(workersOptions({ MODELS: bucket }).warmupModels).toBeUndefined();
  });

  it("opens a config's s3:// and https:// base_paths, and says a folder cannot be one", () => {
    const { serving } = workersOptions({ MODELS: bucket, S3_ENDPOINT: 'minio:9000', AWS_REGION: 'eu-west-1' });
    expect(serving.openStore?.('s3://other/m').description).toBe('s3://other/m/');
    expect(() => serving.openStore?.('/models/m')).toThrow(/base_path must be s3:\/\/… or https:\/\/… on Workers/);
  });

  it('says what is missing or unusable', () => {
    expect(() => workersOptions({})).toThrow('edgeserve needs an R2 binding named MODELS, or EDGESERVE_MODEL_BASE_PATH');
    expect(() => workersOptions({ EDGESERVE_MODEL_BASE_PATH: 'models' })).toThrow(/must be s3:\/\/… or https:\/\/… on Workers/);
    expect(() => workersOptions({ MODELS_URL: 's3://models/repo' })).toThrow('MODELS_URL was renamed EDGESERVE_MODEL_BASE_PATH');
  });
});

describe('lambdaOptions', () => {
  it("hands createEdgeserve the function's options and an ort-node backend", async () => {
    const options = await lambdaOptions(
      { EDGESERVE_MODEL_BASE_PATH: 's3://models/repo', EDGESERVE_WARMUP_ITERATIONS: '4', EDGESERVE_STORAGE_TIMEOUT_MS: '100', EDGESERVE_THREADS: '1' },
      silentLogger,
    );
    expect(options).toMatchObject({ warmupIterations: 4, maxBodyBytes: 6 * 1024 * 1024, memoryBudgetBytes: 512 * 1024 * 1024 });
    expect(options.store.description).toBe('s3://models/repo/');
    expect(options.backend.name).toBe('ort-node(cpu)');
  });

  it('needs EDGESERVE_MODEL_BASE_PATH', async () => {
    await expect(lambdaOptions({}, silentLogger)).rejects.toThrow('EDGESERVE_MODEL_BASE_PATH is not set');
  });

  it("serves one model from TF Serving's MODEL_NAME and MODEL_BASE_PATH, and opens a config's absolute base_paths", async () => {
    const options = await lambdaOptions({ MODEL_NAME: 'my_model', MODEL_BASE_PATH: 's3://bucket/models/', S3_ENDPOINT: 'minio:9000', S3_USE_HTTPS: '0' }, silentLogger);
    expect(options.store.description).toBe('s3://bucket/models/my_model/');
    expect(options.config).toMatchObject({ models: [{ name: 'my_model', location: 's3://bucket/models/my_model' }] });
    expect(options.openStore?.('https://example.com/m').description).toContain('https://example.com/m');
  });
});
