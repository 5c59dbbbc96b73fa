// Workers and Lambda are configured by their environment alone: every option the table gives a
// platform is read there, under its one name; bad values name the variable.
import { describe, expect, it } from 'vitest';
import { defaultOf, type OptionSpec, type Platform, type Value } from '../../functions/options/option-spec.ts';
import { OptionError } from '../../functions/options/parse-value.ts';
import { optionsFor, readEnvOptions, resolveOptions } from '../../functions/options/read-options.ts';

/** A valid text for the option and the value it must read as (booleans: the opposite of the default). */
function sample(option: OptionSpec, platform: Platform): [string, Value] {
  switch (option.type) {
    case 'boolean':
      return defaultOf(option, platform) === true ? ['0', false] : ['1', true];
    case 'integer':
      return ['7', 7];
    case 'rate':
      return ['0.5', 0.5];
    case 'list':
      return ['a, b', ['a', 'b']];
    case 'enum':
      return [option.choices!.at(-1)!, option.choices!.at(-1)!];
    case 'string':
      return [`value of ${option.env}`, `value of ${option.env}`];
  }
}

for (const platform of ['workers', 'lambda'] as const) {
  describe(`readEnvOptions on ${platform}`, () => {
    const options = optionsFor(platform);

    it('reads every option the table gives the platform', () => {
      const env: Record<string, string> = {};
      const expected: Record<string, Value> = {};
      for (const o of options) {
        expect(o.env, `${o.key} on ${platform} needs a variable`).toBeDefined();
        const [text, value] = sample(o, platform);
        env[o.env!] = text;
        expected[o.key] = value;
      }
      expect(readEnvOptions(env, platform)).toEqual(expected);
    });

    it('includes warmup, iterations, retries, retry interval, load timeout, batching and storage timeout', () => {
      const values = readEnvOptions(
        {
          EDGESERVE_WARMUP: '0', EDGESERVE_WARMUP_ITERATIONS: '3', EDGESERVE_MAX_LOAD_RETRIES: '2', EDGESERVE_LOAD_RETRY_INTERVAL_MS: '50',
          EDGESERVE_LOAD_TIMEOUT_MS: '9000', EDGESERVE_BATCHING: 'true', EDGESERVE_STORAGE_TIMEOUT_MS: '2500', S3_ENDPOINT: 'http://127.0.0.1:9000',
        },
        platform,
      );
      expect(values).toMatchObject({
        warmup: false, warmupIterations: 3, maxLoadRetries: 2, loadRetryIntervalMs: 50, loadTimeoutMs: 9000, enableBatching: true,
        storageTimeoutMs: 2500, s3Endpoint: 'http://127.0.0.1:9000',
      });
    });

    it("fills the platform's defaults and leaves computed ones unset", () => {
      const values = readEnvOptions({}, platform);
      expect(values).toMatchObject({ pollSeconds: 30, warmup: true, loadTimeoutMs: 120_000, enableBatching: false, logRequests: true });
      expect(values.memoryBudgetBytes).toBe(platform === 'workers' ? 40 * 1024 * 1024 : 512 * 1024 * 1024);
      expect(values.maxBodyBytes).toBe(platform === 'workers' ? 8 * 1024 * 1024 : 6 * 1024 * 1024);
      expect(values.maxRequestElements).toBe(platform === 'workers' ? 1024 * 1024 : 8 * 1024 * 1024);
      expect(values.modelBasePath).toBeUndefined();
      expect(values.modelConfig).toBeUndefined();
    });

    it('reads no option of another platform', () => {
      const values = readEnvOptions({ EDGESERVE_PORT: '1', EDGESERVE_LAZY: '1' }, platform);
      expect(values.port).toBeUndefined();
      expect(values.lazy).toBeUndefined();
    });

    it('names the variable and the value when a value is bad', () => {
      expect(() => readEnvOptions({ EDGESERVE_LOAD_TIMEOUT_MS: 'soon' }, platform)).toThrow(
        new OptionError('EDGESERVE_LOAD_TIMEOUT_MS must be a non-negative integer, got "soon"'),
      );
      expect(() => readEnvOptions({ S3_FORCE_PATH_STYLE: 'yes' }, platform)).toThrow('S3_FORCE_PATH_STYLE must be true, false, 1 or 0, got "yes"');
    });
  });
}

describe('readEnvOptions, Workers specifics', () => {
  it('takes JSON vars (numbers, booleans) as their text and ignores bindings', () => {
    const values = readEnvOptions({ EDGESERVE_POLL_SECONDS: 5, EDGESERVE_CORS: true, MODELS: { list() {} } }, 'workers');
    expect(values).toMatchObject({ pollSeconds: 5, cors: true });
  });

  it('treats an empty variable as unset (wrangler.toml writes NAME = "")', () => {
    expect(readEnvOptions({ EDGESERVE_CACHE_MODELS: '', EDGESERVE_POLL_SECONDS: '' }, 'workers')).toMatchObject({ pollSeconds: 30 });
    expect(readEnvOptions({ EDGESERVE_CACHE_MODELS: '' }, 'workers').cacheModels).toBeUndefined();
  });

  it('reads the lists of cached and warmed models', () => {
    expect(readEnvOptions({ EDGESERVE_CACHE_MODELS: 'a,b', EDGESERVE_WARMUP_MODELS: 'mnist' }, 'workers')).toMatchObject({
      cacheModels: ['a', 'b'], warmupModels: ['mnist'],
    });
  });
});

describe('renamed variables', () => {
  it('are an error naming the new name, where the platform read them', () => {
    expect(() => readEnvOptions({ MODELS_URL: 's3://b/p' }, 'workers')).toThrow('MODELS_URL was renamed EDGESERVE_MODEL_BASE_PATH');
    expect(() => readEnvOptions({ EDGESERVE_S3_ENDPOINT: 'http://x' }, 'lambda')).toThrow('EDGESERVE_S3_ENDPOINT was renamed S3_ENDPOINT');
    expect(() => resolveOptions('node', { EDGESERVE_S3_FORCE_PATH_STYLE: '1' })).toThrow('EDGESERVE_S3_FORCE_PATH_STYLE was renamed S3_FORCE_PATH_STYLE');
    expect(() => resolveOptions('node', { MODELS_URL: 'x' })).not.toThrow();
  });
});

describe('resolveOptions precedence', () => {
  it('a flag beats the environment, which beats the default', () => {
    const env = { EDGESERVE_WARMUP: '0', EDGESERVE_PORT: '9000' };
    expect(resolveOptions('node', env, new Map([['warmup', 'true']]))).toMatchObject({ warmup: true, port: 9000 });
    expect(resolveOptions('node', env)).toMatchObject({ warmup: false, port: 9000 });
    expect(resolveOptions('node', {})).toMatchObject({ warmup: true, port: 8501 });
  });

  it('does not read a variable whose flag is given, even a bad one', () => {
    expect(resolveOptions('node', { EDGESERVE_PORT: 'bad' }, new Map([['port', '1']]))).toMatchObject({ port: 1 });
  });
});
