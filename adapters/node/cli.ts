// The edgeserve command, as a function: `main(argv, env)` runs it and resolves to the exit status
// (0; 1 when the server cannot start; 2 for a usage error). Nothing happens at import: main.ts is
// the executable that calls it with the process's arguments.
//   edgeserve [serve] [options]   serve a model repository over TF Serving's REST API (npm start)
//   edgeserve index DIR           write DIR/index.json, the listing an HTTP(S) repository publishes
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError } from '../../functions/options/parse-value.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import type { EnvRecord } from '../../functions/options/read-options.ts';
import { INDEX_FILE, renderIndex } from '../../functions/storage/http.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { FileSystemStore } from '../storage/fs.ts';
import { parseCommandLine } from './command-line.ts';
import { nodeServerOptions } from './options.ts';
import { startNodeServer } from './server.ts';

const HINT = ' (edgeserve --help lists the options)';

export async function main(argv: readonly string[], env: EnvRecord): Promise<number> {
  const command = parseCommandLine(argv, env);
  switch (command.kind) {
    case 'help':
      console.log(command.text);
      return 0;
    case 'error':
      console.error(`edgeserve: ${command.message}${HINT}`);
      return command.exitCode;
    case 'index':
      return writeIndex(command.dir);
    case 'serve':
      return serve(command.values);
  }
}

/** Resolves once a signal has stopped the server: 0, or 1 when it could not start. */
async function serve(values: OptionValues): Promise<number> {
  let server;
  let description;
  try {
    const options = await nodeServerOptions(values, consoleLogger);
    description = options.store.description;
    server = await startNodeServer(options);
    if (options.auth === undefined && !isLoopback(options.host)) {
      consoleLogger.log('warn', 'no_authentication', {
        host: options.host, hint: 'anyone who can reach this address may call every model: see --auth_config_file (README, "Deploying on the internet")',
      });
    }
  } catch (e) {
    console.error(`edgeserve: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof OptionError ? 2 : 1;
  }
  const running = server;
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      consoleLogger.log('info', 'server_stopping', {});
      running.close().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Only once the handlers are in place: a supervisor that signals as soon as it reads this
    // line gets a graceful stop, not the default signal death.
    consoleLogger.log('info', 'server_listening', { url: running.url, models: description, backend: values.backend });
  });
}

async function writeIndex(dir: string): Promise<number> {
  try {
    const objects = await new FileSystemStore(dir).list('');
    await writeFile(join(dir, INDEX_FILE), renderIndex(objects));
    console.log(`wrote ${join(dir, INDEX_FILE)} listing ${objects.length} objects`);
    return 0;
  } catch (e) {
    console.error(`edgeserve: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
