// --model_config_file with --model_config_file_poll_wait_seconds, as TF Serving's
// PollFilesystemAndReloadConfig: the file is read at start (a bad one stops the start), then again
// every N seconds; a changed, valid file replaces the config and asks for a refresh at once, so a
// moved label applies without waiting for the next listing; a bad one is logged and the last good
// config kept. createEdgeserve is handed `current` (a function: called on every refresh) and the
// Node server starts the polling once it is serving.
import { readFile } from 'node:fs/promises';
import { parseRepositoryConfig, type RepositoryConfig } from '../../functions/config/model-config.ts';
import { errorText } from '../../functions/serving/loader.ts';
import type { Logger } from '../../functions/util/log.ts';

export interface ConfigFileWatchOptions {
  readonly file: string;
  /** 0: read once, never again (TF Serving's default). */
  readonly pollSeconds: number;
  readonly logger: Logger;
  /** A further check of a parsed config (--allow_version_labels=false); throws to refuse it. */
  readonly check?: (config: RepositoryConfig) => RepositoryConfig;
}

export class ConfigFileWatch {
  private config: RepositoryConfig = { models: [] };
  private text = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling: Promise<void> | undefined;

  private constructor(private readonly options: ConfigFileWatchOptions) {}

  /** Reads the file once; throws (ConfigError, OptionError, a file error) when it cannot be served. */
  static async open(options: ConfigFileWatchOptions): Promise<ConfigFileWatch> {
    const watch = new ConfigFileWatch(options);
    watch.text = await readFile(options.file, 'utf8');
    watch.config = watch.parse(watch.text);
    return watch;
  }

  /** The config in force: what createEdgeserve's Source reads on every refresh. */
  readonly current = (): RepositoryConfig => this.config;

  /** Starts polling (no-op when the interval is 0); `changed` is called after each accepted change. */
  start(changed: () => Promise<unknown>): () => void {
    if (this.options.pollSeconds <= 0 || this.timer !== undefined) return () => this.stop();
    this.timer = setInterval(() => {
      this.polling ??= this.poll(changed).finally(() => (this.polling = undefined));
    }, this.options.pollSeconds * 1000);
    this.timer.unref(); // polling alone must not keep a stopped server's process alive
    return () => this.stop();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll: read, and apply when the text changed. Resolves once the refresh it asked for is done. */
  async poll(changed: () => Promise<unknown> = async () => {}): Promise<void> {
    const { file, logger } = this.options;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      // A file mid-replace (ConfigMap updates swap a symlink) or gone: keep serving what was read.
      logger.log('error', 'config_rejected', { file, error: errorText(e), keeping: 'previous config' });
      return;
    }
    if (text === this.text) return;
    this.text = text; // a bad file is logged once, not on every poll until it is fixed
    try {
      this.config = this.parse(text);
    } catch (e) {
      logger.log('error', 'config_rejected', { file, error: errorText(e), keeping: 'previous config' });
      return;
    }
    logger.log('info', 'config_reloaded', { file, models: this.config.models.length });
    try {
      await changed();
    } catch (e) {
      logger.log('error', 'refresh_failed', { error: errorText(e) });
    }
  }

  private parse(text: string): RepositoryConfig {
    const config = parseRepositoryConfig(text, this.options.file);
    return this.options.check ? this.options.check(config) : config;
  }
}
