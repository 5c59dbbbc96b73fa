// TF Serving's command lines, as its users type them (issue 12): each flag form, single-model mode
// from flags and from the image's variables alone, a polled config file whose label moves while a
// real Node server runs, the flags that cannot apply (one warning line each), and usage errors
// (exit status 2, one line, no stack) from the executable itself; TF Serving's option files, strictly.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepositoryConfig } from '../../../functions/config/model-config.ts';
import type { OptionSpec } from '../../../functions/options/option-spec.ts';
import { OptionError } from '../../../functions/options/parse-value.ts';
import { OPTIONS } from '../../../functions/options/option-table.ts';
import { TF_SERVING_FLAGS } from '../../../functions/options/tf-serving-flags.ts';
import type { Logger } from '../../../functions/util/log.ts';
import { parseCommandLine, type Command } from '../../../adapters/node/command-line.ts';
import { nodeServerOptions } from '../../../adapters/node/options.ts';
import { startNodeServer } from '../../../adapters/node/server.ts';
import { exampleRepository, scratchRepository } from '../../helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function serve(argv: string[], env: Record<string, string> = {}): Extract<Command, { kind: 'serve' }> {
  const command = parseCommandLine(argv, env);
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${JSON.stringify(command)}`);
  return command;
}

function usageError(argv: string[], env: Record<string, string> = {}): string {
  const command = parseCommandLine(argv, env);
  expect(command).toMatchObject({ kind: 'error', exitCode: 2 });
  return (command as Extract<Command, { kind: 'error' }>).message;
}

/** A logger that keeps what it is told. */
function recorder(): Logger & { events: { level: string; event: string; fields: Record<string, unknown> }[] } {
  const events: { level: string; event: string; fields: Record<string, unknown> }[] = [];
  return { events, log: (level, event, fields = {}) => void events.push({ level, event, fields }) };
}

const configOf = async (config: unknown) => (typeof config === 'function' ? await config() : config) as RepositoryConfig;

describe("TF Serving's command lines parse", () => {
  it('the issue\'s command lines', () => {
    expect(serve(['--rest_api_port=8501', '--model_name=my_model', '--model_base_path=gs://bucket/my_model']).values).toMatchObject({
      port: 8501, modelName: 'my_model', modelBasePath: 'gs://bucket/my_model',
    });
    expect(serve([
      '--model_config_file=/models/models.config', '--model_config_file_poll_wait_seconds=60', '--monitoring_config_file=monitoring_config.txt',
      '--enable_batching=true', '--batching_parameters_file=batching.txt', '--port', '8500',
    ]).values).toMatchObject({ modelConfigFile: '/models/models.config', modelConfigPollSeconds: 60, enableBatching: true, batchingParametersFile: 'batching.txt' });
  });

  it('every flag form: --flag, --flag=true|false|1|0, --flag true|false, --flag value, --flag=value', () => {
    for (const [argv, on] of [
      [['--enable_batching'], true], [['--enable_batching=true'], true], [['--enable_batching=1'], true], [['--enable_batching=false'], false],
      [['--enable_batching=0'], false], [['--enable_batching', 'true'], true], [['--enable_batching', 'false'], false],
    ] as const) expect(serve([...argv]).values.enableBatching, argv.join(' ')).toBe(on);
    expect(serve(['--rest_api_enable_cors_support=true']).values.cors).toBe(true);
    expect(serve(['--rest_api_timeout_in_ms', '5000']).values.timeoutMs).toBe(5000);
    expect(serve(['--rest_api_timeout_in_ms=5000']).values.timeoutMs).toBe(5000);
    // The same forms for the flags that are only warned about.
    for (const argv of [['--port=8500'], ['--port', '8500'], ['--flush_filesystem_caches'], ['--flush_filesystem_caches=false'], ['--xla_cpu_compilation_enabled', 'true']]) {
      expect(serve(argv).notices, argv.join(' ')).toHaveLength(1);
    }
  });

  it('accepts every tensorflow_model_server flag; the ones that cannot apply each give one warning naming the flag and why', () => {
    const sample = { boolean: [], integer: ['1'], rate: ['0.5'], string: ['x'], list: ['x'], enum: [] } as const;
    const table = new Map((OPTIONS as readonly OptionSpec[]).map((o) => [o.flag, o]));
    const needs: Record<string, string[]> = { batching_parameters_file: ['--enable_batching'], model_name: ['--model_base_path=m'] };
    for (const f of TF_SERVING_FLAGS) {
      if (f.flag === 'version') continue;
      const type = f.status === 'ignored' ? f.type : table.get(f.flag)!.type;
      const argv = [`--${f.flag}`, ...sample[type], ...(needs[f.flag] ?? [])];
      const command = serve(argv);
      if (f.status === 'ignored') expect(command.notices).toEqual([{ event: 'flag_ignored', fields: { flag: `--${f.flag}`, reason: f.note } }]);
      else expect(command.notices).toEqual([]);
    }
  });

  it('refuses a bad value of an ignored flag, a renamed flag, an unknown one, and TF Serving\'s impossible combinations', () => {
    expect(usageError(['--port=grpc'])).toBe('--port must be a non-negative integer, got "grpc"');
    expect(usageError(['--per_process_gpu_memory_fraction=2'])).toBe('--per_process_gpu_memory_fraction must be a number from 0 to 1, got "2"');
    expect(usageError(['--threads=2'])).toBe('--threads was renamed --tensorflow_intra_op_parallelism');
    expect(usageError(['--grpc_port=8500'])).toBe('unknown flag --grpc_port');
    expect(usageError(['--model_name=m'])).toMatch(/^--model_name needs --model_base_path/);
    expect(usageError(['--tensorflow_intra_op_parallelism=1', '--tensorflow_inter_op_parallelism=1', '--tensorflow_session_parallelism=1'])).toMatch(/You cannot configure all/);
    expect(usageError(['--load_retry_interval_micros=-1'])).toBe('--load_retry_interval_micros must be a non-negative integer, got "-1"');
  });

  it('--version prints the version; -h and --help the usage, with the flags accepted from TF Serving', () => {
    expect(parseCommandLine(['--version'], {})).toEqual({ kind: 'version' });
    expect(parseCommandLine(['--version=false'], {}).kind).toBe('serve');
    const { text } = parseCommandLine(['-h'], {}) as Extract<Command, { kind: 'help' }>;
    for (const f of TF_SERVING_FLAGS) expect(text).toContain(`--${f.flag}`);
  });
});

describe('single-model mode', () => {
  it("the issue's docker run line: MODEL_NAME, MODEL_BASE_PATH (s3://), AWS_REGION and S3_ENDPOINT", async () => {
    const { values, notices } = serve([], {
      MODEL_BASE_PATH: 's3://bucketname/model_path/', MODEL_NAME: 'my_model', AWS_REGION: 'us-east-1', S3_ENDPOINT: '127.0.0.1:9000', S3_USE_HTTPS: '0',
    });
    expect(notices).toEqual([]);
    const options = await nodeServerOptions({ ...values, backend: 'ort-web' }, recorder());
    expect((await configOf(options.config)).models).toEqual([expect.objectContaining({ name: 'my_model', location: 's3://bucketname/model_path/my_model' })]);
    expect(options.store.description).toBe('s3://bucketname/model_path/my_model/');
    expect(options.openStore?.('s3://other/x').description).toBe('s3://other/x/');
    expect(options.mode).toContain('MODEL_NAME and MODEL_BASE_PATH');
  });

  for (const how of ['flags', 'environment'] as const) {
    it(`serves exactly one model, by its name, from ${how === 'flags' ? '--model_name and --model_base_path' : 'MODEL_NAME and MODEL_BASE_PATH only'}`, async () => {
      const repo = await exampleRepository(); // a repository of several models: only the one named is served
      const { values, notices } = how === 'flags'
        ? serve(['--model_name=hpt', `--model_base_path=${join(repo, 'half_plus_two')}`])
        : serve([], { MODEL_NAME: 'half_plus_two', MODEL_BASE_PATH: `${repo}/` });
      expect(notices).toEqual([]);
      const server = await startNodeServer(await nodeServerOptions({ ...values, port: 0, logRequests: false }, recorder()));
      try {
        const name = how === 'flags' ? 'hpt' : 'half_plus_two';
        const res = await fetch(`${server.url}/v1/models/${name}:predict`, { method: 'POST', body: '{"instances": [1.0]}' });
        expect(await res.json()).toEqual({ predictions: [2.5] });
        expect((await fetch(`${server.url}/v1/models/mnist`)).status).toBe(404);
        expect(server.manager.modelConfigs().map((m) => m.name)).toEqual([name]);
      } finally {
        await server.close();
      }
    }, 30_000);
  }
});

describe('--model_config_file with --model_config_file_poll_wait_seconds=1', () => {
  let repo: Awaited<ReturnType<typeof scratchRepository>>;
  beforeAll(async () => void (repo = await scratchRepository()));
  afterAll(() => repo.remove());

  const config = (stable: number) => `model_config_list {
    config { name: 'half_plus_two' base_path: '${join(repo.dir, 'half_plus_two')}'
      model_version_policy { all {} }
      version_labels { key: 'stable' value: ${stable} } } }`;

  it('moves /labels/stable after the poll, keeps it when the file turns bad, and logs both', async () => {
    const file = join(repo.dir, 'poll.config');
    await writeFile(file, config(1));
    const logger = recorder();
    const { values } = serve([`--model_config_file=${file}`, '--model_config_file_poll_wait_seconds=1', '--rest_api_port=0', '--log_requests=false']);
    const server = await startNodeServer(await nodeServerOptions(values, logger));
    const stable = async () => {
      const res = await fetch(`${server.url}/v1/models/half_plus_two/labels/stable:predict`, { method: 'POST', body: '{"instances": [1.0]}' });
      expect(res.status).toBe(200);
      return res.headers.get('x-model-version');
    };
    const until = async (want: string) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) if ((await stable()) === want) return;
      throw new Error(`stable never reached version ${want}`);
    };
    try {
      expect(await stable()).toBe('1');
      await writeFile(file, config(2));
      await until('2');
      expect(logger.events.find((e) => e.event === 'config_reloaded')).toMatchObject({ fields: { file, models: 1 } });
      await writeFile(file, 'model_config_list { config { name: "half_plus_two" version_lables { key: "stable" value: 1 } } }');
      for (const deadline = Date.now() + 10_000; !logger.events.some((e) => e.event === 'config_rejected') && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
      expect(logger.events.find((e) => e.event === 'config_rejected')).toMatchObject({ level: 'error', fields: { file, error: expect.stringContaining('version_lables'), keeping: 'previous config' } });
      expect(await stable()).toBe('2');
    } finally {
      await server.close();
    }
  }, 40_000);

  it('--allow_version_labels=false refuses a config file with labels at start', async () => {
    const file = join(repo.dir, 'labels.config');
    await writeFile(file, config(1));
    const { values } = serve([`--model_config_file=${file}`, '--allow_version_labels=false']);
    await expect(nodeServerOptions(values, recorder())).rejects.toThrow(/^Model version labels are not currently allowed by the server/);
  });
});

describe('option files are strict: an unknown field names the file and the field (exit status 2)', () => {
  const file = async (name: string, text: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'edgeserve-strict-'));
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  const options = async (flag: string, path: string) => nodeServerOptions(serve([`--${flag}`, path, '--enable_batching', '--backend', 'ort-web']).values, recorder());

  it('the monitoring config: prometheus_config { enable, path } and nothing else; protobuf\'s bool spellings', async () => {
    for (const [text, error] of [
      ['prometheus_config { enabled: true }', 'prometheus_config.enabled: unknown field; expected enable or path'],
      ['prometheus_config { enable: yes }', 'prometheus_config.enable: must be true or false, got "yes"'],
      ['prometheus { enable: true }', 'prometheus: unknown field; expected prometheus_config'],
      ['prometheus_config { enable: true', "line 1: missing '}'"],
    ]) {
      const path = await file('monitoring.config', text);
      await expect(options('monitoring_config_file', path)).rejects.toThrow(new OptionError(`${path}: ${error}`));
    }
    for (const [text, metrics] of [
      ['prometheus_config { enable: True, path: "/m" }', '/m'], ['prometheus_config { enable: 1 }', '/monitoring/prometheus/metrics'],
      ['prometheus_config { enable: false path: "/m" }', undefined], ['', undefined],
    ] as const) expect((await options('monitoring_config_file', await file('m.config', text))).metricsPath, text).toBe(metrics);
  });

  it('the batching parameters: unknown fields and wrapper typos', async () => {
    for (const [text, error] of [
      ['bogus_field { value: 1 }', 'bogus_field: unknown field; expected one of'],
      ['max_batch_size { valeu: 8 }', 'max_batch_size.valeu: unknown field; expected value'],
      ['max_batch_size { value: 0 }', 'max_batch_size: must be an integer ≥ 1'],
    ]) {
      const path = await file('batching.config', text);
      await expect(options('batching_parameters_file', path)).rejects.toThrow(`${path}: ${error}`);
    }
    const one = await options('batching_parameters_file', await file('b.config', 'max_batch_size { value: 8 } allowed_batch_sizes: 8'));
    expect(one.batching).toMatchObject({ maxBatchSize: 8, allowedBatchSizes: [8] });
  });
});

/** Runs the executable; resolves with its exit status and output once it ends (or after SIGTERM once it has printed `until`). */
function run(argv: string[], env: Record<string, string> = {}, until?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'adapters/node/main.ts'), ...argv], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (until && !killed && stdout.includes(until)) killed = child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('the executable, with TF Serving\'s flags', () => {
  it('exits 2 with one line for unknown flags and bad values, without a stack', async () => {
    for (const argv of [['--grpc_port=8500'], ['--model_name', 'm'], ['--port=x']]) {
      const { code, stderr } = await run(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      noStack(stderr);
    }
  }, 30_000);

  it('prints one flag_ignored line per flag that cannot apply, then serves', async () => {
    const repo = await exampleRepository();
    const { code, stdout } = await run(
      ['--model_name=half_plus_two', `--model_base_path=${repo}/half_plus_two`, '--rest_api_port=0', '--port=8500', '--rest_api_num_threads=4', '--enable_batching=true'],
      {},
      'server_listening',
    );
    expect(code).toBe(0);
    const ignored = stdout.split('\n').filter((l) => l.includes('"flag_ignored"')).map((l) => JSON.parse(l) as { flag: string; reason: string });
    expect(ignored.map((l) => l.flag)).toEqual(['--port', '--rest_api_num_threads']);
    expect(ignored[0]!.reason).toContain('gRPC');
    expect(stdout).toContain("TF Serving's single-model mode");
  }, 30_000);

  it('--version prints the package version; index of a missing folder is one line, exit 1', async () => {
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^edgeserve \d+\.\d+\.\d+/) });
    const index = await run(['index', '/nonexistent']);
    expect(index.code).toBe(1);
    expect(index.stderr.trim()).toBe('edgeserve: index: /nonexistent is not a folder');
  }, 30_000);
});
