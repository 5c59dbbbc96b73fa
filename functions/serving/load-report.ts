// What loads and unloads leave behind for operators: TF Serving's load metrics (load attempts and
// latency, warmup latency and records, per model path) and one log line per outcome.
import { versionPath, type ModelConfig } from '../config/model-config.ts';
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import type { Logger } from '../util/log.ts';
import type { ServingError } from '../util/status.ts';
import type { Harness } from './harness.ts';
import { errorText, type LoadResult } from './loader.ts';

export class LoadReport {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: ServingMetrics | undefined,
  ) {}

  loaded(h: Harness, model: ModelConfig, { servable, timings }: LoadResult): void {
    const path = versionPath(model, h.present.folder);
    const m = this.metrics;
    if (m) {
      m.loadAttempts.inc([path, 'success']);
      m.loadLatency.inc([path], Math.round((timings.fetchMs + timings.sessionMs + timings.warmupMs) * 1000));
      if (timings.warmupRecords > 0) {
        m.warmupLatency.observe([path, 'OK'], timings.warmupMs * 1000);
        m.warmupRecordsRead.inc([path, 'OK'], timings.warmupRecords);
      }
    }
    this.logger.log('info', 'version_loaded', {
      model: h.model, version: h.version, bytes: servable.sizeBytes, backend: servable.backend,
      fetch_ms: round(timings.fetchMs), session_ms: round(timings.sessionMs), warmup_ms: round(timings.warmupMs),
    });
  }

  failed(h: Harness, model: ModelConfig, error: ServingError, attempt: number, willRetry: boolean): void {
    this.metrics?.loadAttempts.inc([versionPath(model, h.present.folder), 'fail']);
    this.logger.log('error', 'version_load_failed', {
      model: h.model, version: h.version, code: error.code, error: error.message, attempt,
      retry: willRetry ? 'after backoff or when the files change' : 'when the files change',
    });
  }

  /** A load still running after a second is said so, then every five: a big model is not a hang. */
  watch<T>(h: Harness, load: Promise<T>): Promise<T> {
    const started = Date.now();
    const say = () => this.logger.log('info', 'version_loading', { model: h.model, version: h.version, elapsed_s: Math.round((Date.now() - started) / 1000) });
    let timer = setTimeout(function tick() {
      say();
      timer = setTimeout(tick, 5_000);
    }, 1_000);
    return load.finally(() => clearTimeout(timer));
  }

  evicted(victim: Harness, forVersion: Harness): void {
    this.logger.log('info', 'version_evicted', { model: victim.model, version: victim.version, bytes: victim.sizeBytes, for: `${forVersion.model}/${forVersion.version}` });
  }

  unloaded(h: Harness): void {
    this.logger.log('info', 'version_unloaded', { model: h.model, version: h.version });
  }

  unloadFailed(h: Harness, error: unknown): void {
    this.logger.log('error', 'version_unload_failed', { model: h.model, version: h.version, error: errorText(error) });
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
