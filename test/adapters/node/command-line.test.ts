// The Node command line: parseCommandLine is pure (argv and env in, a command out); main.ts, the
// executable, is run as a process for exit statuses, the serve flow and signals.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCHING } from '../../../functions/config/batching-parameters.ts';
import type { RepositoryConfig } from '../../../functions/config/model-config.ts';
import { optionsFor } from '../../../functions/options/read-options.ts';
import { silentLogger } from '../../../functions/util/log.ts';
import { parseCommandLine, type Command } from '../../../adapters/node/command-line.ts';
import { nodeServerOptions } from '../../../adapters/node/options.ts';
import { startupSummary, type StartupReport } from '../../../adapters/node/startup-summary.ts';
import { chooseLogFormat, TextLogger } from '../../../adapters/node/text-log.ts';
import { exampleRepository } from '../../helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

function serve(argv: string[], env: Record<string, string> = {}) {
  const command = parseCommandLine(argv, env);
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${JSON.stringify(command)}`);
  return command.values;
}

function usageError(argv: string[], env: Record<string, string> = {}): string {
  const command = parseCommandLine(argv, env);
  expect(command).toMatchObject({ kind: 'error', exitCode: 2 });
  const message = (command as Extract<Command, { kind: 'error' }>).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('parseCommandLine: flag forms', () => {
  it('takes --flag value and --flag=value', () => {
    expect(serve(['--rest_api_port', '9000', '--host=0.0.0.0'])).toMatchObject({ port: 9000, host: '0.0.0.0' });
    expect(serve(['--model_base_path=s3://b/p=q'])).toMatchObject({ modelBasePath: 's3://b/p=q' }); // only the first = splits
  });

  it('takes booleans as --flag and --flag=true|false|1|0', () => {
    expect(serve(['--lazy'])).toMatchObject({ lazy: true });
    expect(serve(['--lazy=true'])).toMatchObject({ lazy: true });
    expect(serve(['--lazy=1'])).toMatchObject({ lazy: true });
    expect(serve(['--lazy=false'])).toMatchObject({ lazy: false });
    expect(serve(['--enable_model_warmup=0'])).toMatchObject({ warmup: false });
    expect(serve(['--enable_model_warmup=false'])).toMatchObject({ warmup: false });
    expect(serve([])).toMatchObject({ warmup: true, lazy: false });
  });

  it('does not let a bare boolean swallow the next argument', () => {
    const command = parseCommandLine(['--lazy', 'serve'], {});
    expect(command).toMatchObject({ kind: 'serve', values: { lazy: true } });
  });

  it('takes every kind of value the table has', () => {
    expect(
      serve(['--backend', 'ort-web', '--execution_providers', 'webgpu, cpu', '--log_request_bodies', '0.5', '--load_timeout_ms', '60000', '--s3_region', 'eu-west-1']),
    ).toMatchObject({ backend: 'ort-web', executionProviders: ['webgpu', 'cpu'], logRequestBodies: 0.5, loadTimeoutMs: 60_000, s3Region: 'eu-west-1' });
  });

  it('accepts every Node flag of the table', () => {
    for (const option of optionsFor('node')) {
      if (option.flag === undefined) continue;
      const value = option.type === 'boolean' ? [] : [option.type === 'enum' ? option.choices![0]! : option.type === 'rate' ? '0.5' : '1'];
      const needs = { batchingParametersFile: ['--enable_batching'], modelName: ['--model_base_path', 'm'] } as Record<string, string[]>;
      const argv = [`--${option.flag}`, ...value, ...(needs[option.key] ?? [])];
      expect(parseCommandLine(argv, {}).kind, argv.join(' ')).toBe('serve');
    }
  });

  it('the last of a repeated flag wins', () => {
    expect(serve(['--rest_api_port', '1', '--rest_api_port', '2'])).toMatchObject({ port: 2 });
  });
});

describe('parseCommandLine: precedence', () => {
  it('a flag beats the environment, which beats the default', () => {
    expect(serve([], {})).toMatchObject({ port: 8501 });
    expect(serve([], {}).modelBasePath).toBeUndefined(); // its default, "models", is the CLI's: given and defaulted differ
    expect(serve([], { EDGESERVE_PORT: '9001' })).toMatchObject({ port: 9001 });
    expect(serve(['--rest_api_port', '9002'], { EDGESERVE_PORT: '9001' })).toMatchObject({ port: 9002 });
  });

  it('--enable_model_warmup=true wins over EDGESERVE_WARMUP=0', () => {
    expect(serve(['--enable_model_warmup=true'], { EDGESERVE_WARMUP: '0' })).toMatchObject({ warmup: true });
    expect(serve(['--enable_model_warmup'], { EDGESERVE_WARMUP: 'false' })).toMatchObject({ warmup: true });
    expect(serve([], { EDGESERVE_WARMUP: '0' })).toMatchObject({ warmup: false });
    expect(serve(['--enable_model_warmup=false'], { EDGESERVE_WARMUP: '1' })).toMatchObject({ warmup: false });
  });

  it('booleans read from the environment accept 1/0 and true/false alike', () => {
    for (const [text, value] of [['1', true], ['true', true], ['0', false], ['false', false]] as const) {
      expect(serve([], { EDGESERVE_CORS: text, S3_FORCE_PATH_STYLE: text })).toMatchObject({ cors: value, s3ForcePathStyle: value });
    }
  });

  it('reads S3_ENDPOINT for --s3_endpoint', () => {
    expect(serve([], { S3_ENDPOINT: 'http://127.0.0.1:9000' })).toMatchObject({ s3Endpoint: 'http://127.0.0.1:9000' });
    expect(serve(['--s3_endpoint', 'http://a'], { S3_ENDPOINT: 'http://b' })).toMatchObject({ s3Endpoint: 'http://a' });
  });
});

describe('parseCommandLine: usage errors (exit status 2, one line)', () => {
  it('names an unknown flag', () => {
    expect(usageError(['--nope'])).toBe('unknown flag --nope');
    expect(usageError(['--nope=1'])).toBe('unknown flag --nope');
    expect(usageError(['-x'])).toBe('unknown flag -x');
    // A variable that is not a flag, written as one.
    expect(usageError(['--models_prefix', 'x'])).toBe('unknown flag --models_prefix');
  });

  it('names a bad value and where it came from', () => {
    expect(usageError(['--rest_api_port', 'http'])).toBe('--rest_api_port must be a non-negative integer, got "http"');
    expect(usageError(['--rest_api_port', '-1'])).toBe('--rest_api_port must be a non-negative integer, got "-1"');
    expect(usageError(['--lazy=yes'])).toBe('--lazy must be true, false, 1 or 0, got "yes"');
    expect(usageError(['--backend', 'tf'])).toBe('--backend must be one of ort-node, ort-web, got "tf"');
    expect(usageError(['--log_request_bodies', '2'])).toBe('--log_request_bodies must be a number from 0 to 1, got "2"');
    expect(usageError([], { EDGESERVE_WARMUP: 'yes' })).toBe('EDGESERVE_WARMUP must be true, false, 1 or 0, got "yes"');
  });

  it('names a flag without its value', () => {
    expect(usageError(['--rest_api_port'])).toBe('--rest_api_port needs a value');
    expect(usageError(['--rest_api_port', '--lazy'])).toBe('--rest_api_port needs a value');
    expect(usageError(['--host='])).toBe('--host needs a value');
  });

  it('names an unknown command', () => {
    expect(usageError(['predict'])).toBe('unknown command predict');
    expect(usageError(['serve', 'now'])).toBe('unknown command serve now');
    expect(usageError(['index'])).toBe('index needs a folder');
  });

  it("refuses a batching file without --enable_batching, with TF Serving's message", () => {
    expect(usageError(['--batching_parameters_file', 'b.config'])).toBe(
      'server_options.batching_parameters_file is set without setting server_options.enable_batching to true.',
    );
    expect(serve(['--batching_parameters_file', 'b.config'], { EDGESERVE_BATCHING: '1' })).toMatchObject({ enableBatching: true });
  });
});

describe('parseCommandLine: commands and help', () => {
  it('serve is the default command; index takes a folder', () => {
    expect(parseCommandLine(['serve', '--lazy'], {})).toMatchObject({ kind: 'serve' });
    expect(parseCommandLine(['index', 'models'], {})).toEqual({ kind: 'index', dir: 'models' });
    expect(parseCommandLine(['--', 'index', '--odd-dir'], {})).toEqual({ kind: 'index', dir: '--odd-dir' });
  });

  it('-h and --help print the usage, generated from the table', () => {
    for (const flag of ['-h', '--help']) expect(parseCommandLine([flag, '--nope'], {})).toMatchObject({ kind: 'help' });
    const { text } = parseCommandLine(['--help'], {}) as Extract<Command, { kind: 'help' }>;
    for (const option of optionsFor('node')) {
      if (option.flag !== undefined) expect(text).toContain(`--${option.flag}`);
      if (option.env !== undefined) expect(text).toContain(option.env);
      expect(text).toContain(option.help);
    }
    for (const section of ['Repository', 'Storage', 'Models', 'Batching', 'Runtime', 'Server', 'Logs']) expect(text).toContain(`\n${section}\n`);
    expect(text).toContain('default: 8501');
    expect(text).toContain('default: half the RAM');
    expect(text).not.toContain('MODELS_PREFIX'); // Workers-only
  });
});

describe('nodeServerOptions: the files named by flags', () => {
  it('reads the model config, monitoring and batching files after parsing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgeserve-options-'));
    await writeFile(join(dir, 'models.config'), "model_config_list { config { name: 'half_plus_two' base_path: 'half_plus_two' } }");
    await writeFile(join(dir, 'monitoring.config'), 'prometheus_config { enable: true }');
    await writeFile(join(dir, 'batching.config'), 'max_batch_size { value: 8 }\nbatch_timeout_micros { value: 500 }');
    const values = serve(
      [
        '--model_base_path', await exampleRepository(), '--model_config_file', join(dir, 'models.config'),
        '--monitoring_config_file', join(dir, 'monitoring.config'), '--enable_batching', '--batching_parameters_file', join(dir, 'batching.config'),
        '--backend', 'ort-web', '--load_timeout_ms', '7000',
      ],
      { EDGESERVE_MODEL_CONFIG: 'not read: the file wins', EDGESERVE_PROMETHEUS_PATH: '/not-read' },
    );
    const options = await nodeServerOptions(values, silentLogger);
    const config = typeof options.config === 'function' ? await options.config() : (options.config as RepositoryConfig | undefined);
    expect(config?.models.map((m) => m.name)).toEqual(['half_plus_two']);
    expect(options.metricsPath).toBe('/monitoring/prometheus/metrics');
    expect(options.batching).toEqual({ ...DEFAULT_BATCHING, maxBatchSize: 8, batchTimeoutMicros: 500 });
    expect(options).toMatchObject({ loadTimeoutMs: 7000, port: 8501, host: '127.0.0.1', preload: true });
    expect(options.memoryBudgetBytes).toBeGreaterThan(0);
  });

  it('takes the environment when no file is named', async () => {
    const values = serve(['--backend', 'ort-web', '--lazy'], { EDGESERVE_PROMETHEUS_PATH: '/metrics', EDGESERVE_BATCHING: 'true', EDGESERVE_MEMORY_BUDGET_BYTES: '1234' });
    const options = await nodeServerOptions(values, silentLogger);
    expect(options).toMatchObject({ metricsPath: '/metrics', batching: DEFAULT_BATCHING, memoryBudgetBytes: 1234, preload: false });
  });
});

describe('the start-up output: a summary on a terminal, JSON lines otherwise', () => {
  it('--log_format auto follows the terminal; json and text are what they say', () => {
    expect(chooseLogFormat('auto', true)).toBe('text');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat(undefined, undefined)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('text', false)).toBe('text');
    expect(serve(['--log_format=json']).logFormat).toBe('json');
    expect(usageError(['--log_format=yaml'])).toBe('--log_format must be one of auto, json, text, got "yaml"');
  });

  const report: StartupReport = {
    url: 'http://127.0.0.1:8501', backend: 'ort-node(cpu)', mode: 'every model folder of models', lazy: false,
    models: [
      { name: 'half_plus_two', labels: new Map([['stable', 2]]), versions: [
        { version: 2, state: 'AVAILABLE', errorCode: 'OK', errorMessage: '' }, { version: 1, state: 'END', errorCode: 'OK', errorMessage: '' },
      ] },
      { name: 'broken', labels: new Map(), versions: [{ version: 1, state: 'END', errorCode: 'INVALID_ARGUMENT', errorMessage: `bad model ${'x'.repeat(100)}` }] },
    ],
    warnings: [{ level: 'warn', event: 'flag_ignored', fields: { flag: '--port', reason: 'no gRPC' } }],
    metricsPath: '/metrics',
  };

  it('says where it listens, which models, each version\'s state, the labels and the warnings, on one screen', () => {
    const text = startupSummary(report);
    expect(text).toContain('edgeserve is serving on http://127.0.0.1:8501 (ort-node(cpu))');
    expect(text).toContain('Models: every model folder of models');
    expect(text).toMatch(/half_plus_two {2}2 AVAILABLE, 1 END {3}labels: stable → 2/);
    expect(text).toMatch(/broken +1 END \(bad model x+…\)/);
    expect(text).toContain('warn: flag_ignored flag=--port reason="no gRPC"');
    expect(text).toContain('Try: curl http://127.0.0.1:8501/v1/models/half_plus_two');
    expect(text).toContain('metrics: http://127.0.0.1:8501/metrics');
    const many = startupSummary({ ...report, models: Array.from({ length: 40 }, (_, i) => ({ name: `m${i}`, labels: new Map(), versions: [] })) });
    expect(many.split('\n').length).toBeLessThan(25);
    expect(many).toContain('… and 28 more');
    expect(startupSummary({ ...report, models: [], lazy: true })).toContain('none listed yet');
  });

  it('the text logger holds info back until the start, keeps warnings for the summary, then writes a line per event', () => {
    const out: string[] = [];
    const logger = new TextLogger((l) => out.push(l), (l) => out.push(`ERR ${l}`));
    logger.log('info', 'version_loaded', { model: 'm' });
    logger.log('warn', 'repository_empty', { hint: 'no models' });
    expect(out).toEqual([]);
    expect(logger.startupWarnings.map((w) => w.event)).toEqual(['repository_empty']);
    logger.started();
    logger.log('error', 'config_rejected', { file: '/c', error: 'bad' });
    expect(out).toEqual([expect.stringMatching(/^ERR \d\d:\d\d:\d\d error config_rejected file=\/c error=bad$/)]);
  });
});

/** Runs the executable; resolves with its exit status and output once it ends (or after `kill` once it has printed `until`). */
function run(argv: string[], env: Record<string, string> = {}, until?: { text: string; signal: NodeJS.Signals }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'adapters/node/main.ts'), ...argv], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (until && !killed && stdout.includes(until.text)) killed = child.kill(until.signal); // once: a second signal would not wait for close
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('the edgeserve executable (adapters/node/main.ts)', () => {
  it('exits 2 with one line naming an unknown flag, and no stack', async () => {
    const { code, stderr } = await run(['--nope']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual(['edgeserve: unknown flag --nope (edgeserve --help lists the options)']);
  });

  it('exits 1 when the server cannot start', async () => {
    const { code, stderr } = await run(['--model_config_file', '/nonexistent/models.config', '--rest_api_port', '0']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^edgeserve: .*nonexistent/);
  });

  it('serves, logs server_listening, and stops with 0 on SIGTERM', async () => {
    const repo = await exampleRepository();
    const { code, stdout } = await run(['--model_base_path', repo, '--rest_api_port', '0', '--lazy'], {}, { text: 'server_listening', signal: 'SIGTERM' });
    expect(code).toBe(0);
    const listening = JSON.parse(stdout.split('\n').find((l) => l.includes('server_listening'))!) as Record<string, unknown>;
    expect(listening).toMatchObject({ event: 'server_listening', backend: 'ort-node' });
    expect(stdout).toContain('server_stopping');
  }, 30_000);

  it('index DIR writes the listing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgeserve-index-'));
    await writeFile(join(dir, 'a.txt'), 'a');
    const { code, stdout } = await run(['index', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain('listing 1 objects');
    expect(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'))).toMatchObject({ objects: [{ key: 'a.txt' }] });
  });
});
