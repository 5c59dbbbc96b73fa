// The edgeserve command, as a function: `main(argv, env)` runs it and resolves to the exit status
// (0; 1 when the server cannot start; 2 for a usage error). Nothing happens at import: main.ts is
// the executable that calls it with the process's arguments. Every failure is one line on stderr,
// never a stack trace.
//   edgeserve [serve] [options]   serve a model repository over TF Serving's REST API (npm start)
//   edgeserve index DIR           write DIR/index.json, the listing an HTTP(S) repository publishes
//   edgeserve quantize IN OUT …   int8 / fp16 post-training quantization, measured (quantize/command.ts)
//   edgeserve validate | push | label | canary | promote | rollback | status …   operating a rollout (rollout/command.ts)
//   edgeserve --version | --help
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Notice } from '../../functions/options/model-source.ts';
import { OptionError } from '../../functions/options/parse-value.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import type { EnvRecord } from '../../functions/options/read-options.ts';
import { errorText } from '../../functions/serving/loader.ts';
import { INDEX_FILE, renderIndex } from '../../functions/storage/http.ts';
import { consoleLogger, type Logger } from '../../functions/util/log.ts';
import { FileSystemStore } from '../storage/fs.ts';
import { parseCommandLine } from './command-line.ts';
import { batchedLineWriter } from './line-writer.ts';
import { nodeServerOptions, type NodeStart } from './options.ts';
import { startNodeServer, type NodeServer } from './server.ts';
import { startupSummary, type StartupReport } from './startup-summary.ts';
import { chooseLogFormat, eventLine, textRequestSink, TextLogger, type LoggedEvent } from './text-log.ts';
import { versionText } from './version.ts';

const HINT = ' (edgeserve --help lists the options)';

export interface Terminal {
  /** Whether stdout is a terminal: --log_format=auto then prints text and the start-up summary. */
  readonly isTTY?: boolean;
}

export async function main(argv: readonly string[], env: EnvRecord, terminal: Terminal = { isTTY: process.stdout.isTTY }): Promise<number> {
  try {
    const command = parseCommandLine(argv, env);
    switch (command.kind) {
      case 'help':
        console.log(command.text);
        return 0;
      case 'version':
        console.log(versionText());
        return 0;
      case 'error':
        console.error(`edgeserve: ${command.message}${HINT}`);
        return command.exitCode;
      case 'index':
        return await writeIndex(command.dir);
      case 'quantize':
        // Imported only here: it needs onnx-proto, which serving never loads.
        return await (await import('./quantize/command.ts')).quantizeCommand(command.args, env);
      case 'rollout':
        return await (await import('./rollout/command.ts')).rolloutCommand(command.command, command.args, env);
      case 'serve':
        return await serve(command.values, command.notices, terminal);
    }
  } catch (e) {
    console.error(`edgeserve: ${errorText(e)}`); // a bug, still one line: the stack helps no operator
    return 1;
  }
}

/** Resolves once a signal has stopped the server: 0, or 1 (2 for a bad option file) when it could not start. */
async function serve(values: OptionValues, notices: readonly Notice[], terminal: Terminal): Promise<number> {
  const text = chooseLogFormat(values.logFormat, terminal.isTTY) === 'text' ? new TextLogger() : undefined;
  const logger: Logger = text ?? consoleLogger;
  for (const notice of notices) logger.log('warn', notice.event, notice.fields);
  let server: NodeServer;
  let options: NodeStart;
  try {
    options = await nodeServerOptions(values, logger);
    if (text && options.requestSink) options = { ...options, requestSink: textRequestSink(batchedLineWriter()) };
    server = await startNodeServer(options);
    if (options.auth === undefined && !isLoopback(options.host)) {
      logger.log('warn', 'no_authentication', {
        host: options.host, hint: 'anyone who can reach this address may call every model: see --auth_config_file (README, "Deploying on the internet")',
      });
    }
    // --lazy loads nothing before listening; one listing now still says what will be served and
    // brings out the repository's warnings at start rather than at the first request.
    if (!options.preload) await server.manager.refresh().catch((e: unknown) => logger.log('warn', 'refresh_failed', { error: errorText(e) }));
  } catch (e) {
    for (const w of text?.startupWarnings ?? []) console.error(eventLine(w));
    console.error(`edgeserve: ${errorText(e)}`);
    return e instanceof OptionError ? 2 : 1;
  }
  const running = server;
  const report = text ? await startupReport(running, options, text.startupWarnings) : undefined;
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.log('info', 'server_stopping', {});
      running.close().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Only once the handlers are in place: a supervisor that signals as soon as it reads this
    // line gets a graceful stop, not the default signal death.
    if (text && report) {
      console.log(startupSummary(report));
      text.started();
    } else {
      logger.log('info', 'server_listening', { url: running.url, models: options.store.description, mode: options.mode, backend: values.backend });
    }
  });
}

/** What the summary shows: every model's versions and labels, as the manager has them now. */
async function startupReport(server: NodeServer, options: NodeStart, warnings: readonly LoggedEvent[]): Promise<StartupReport> {
  const models = await Promise.all(
    server.manager.modelConfigs().map(async (config) => ({
      name: config.name,
      versions: await server.manager.status(config.name).catch(() => []),
      labels: config.versionLabels,
    })),
  );
  return {
    url: server.url, backend: options.backend.name, mode: options.mode, lazy: !options.preload, warnings,
    models: models.sort((a, b) => a.name.localeCompare(b.name)), metricsPath: options.metricsPath,
  };
}

async function writeIndex(dir: string): Promise<number> {
  const isFolder = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isFolder) {
    console.error(`edgeserve: index: ${dir} is not a folder`);
    return 1;
  }
  try {
    const objects = await new FileSystemStore(dir).list('');
    await writeFile(join(dir, INDEX_FILE), renderIndex(objects));
    console.log(`wrote ${join(dir, INDEX_FILE)} listing ${objects.length} objects`);
    return 0;
  } catch (e) {
    console.error(`edgeserve: index: ${errorText(e)}`);
    return 1;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
