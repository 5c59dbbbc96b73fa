// One model as the Manager tracks it: its current config, one Harness per version it has seen,
// and whether it is in use (then new versions load in the background as they appear).
import type { ModelConfig } from '../config/model-config.ts';
import type { Logger } from '../util/log.ts';
import { Harness, type RetryPolicy } from './harness.ts';
import type { AspiredModel } from './source.ts';

export class ModelState {
  readonly harnesses = new Map<number, Harness>();
  /** Asked for at least once (or warmed up): new versions then load in the background. */
  active = false;

  constructor(public config: ModelConfig) {}

  /** Versions, highest first. */
  sorted(): Harness[] {
    return [...this.harnesses.values()].sort((a, b) => b.version - a.version);
  }

  /** The Source's latest word on this model: a harness for each new aspired version, every other relisted. */
  relist(model: AspiredModel, retry: RetryPolicy, now: () => number, logger: Logger): void {
    this.config = model.config;
    for (const h of this.harnesses.values()) {
      const listed = model.present.get(h.version);
      if (listed) h.relisted(listed, model.aspired.has(h.version));
      else h.vanished();
    }
    for (const version of model.aspired) {
      if (this.harnesses.has(version)) continue;
      this.harnesses.set(version, new Harness(this.config.name, version, model.present.get(version)!, retry, now));
      logger.log('info', 'version_discovered', { model: this.config.name, version });
    }
  }

  /** Gone from the repository (and the config): nothing of it is aspired any more. */
  vanish(): void {
    for (const h of this.harnesses.values()) h.vanished();
  }
}
