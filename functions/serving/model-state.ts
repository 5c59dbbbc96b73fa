// One model as the Manager tracks it: its current config, one Harness per version it has seen,
// whether it is in use (then new versions load in the background as they appear), and its labels.
// TF Serving's rule for labels: a label points only at an AVAILABLE version (unless
// --allow_version_labels_for_unavailable_models), so a label moved in the config keeps its old
// version until the new one is loaded, and a move to a version that fails is refused and logged.
import type { ModelConfig } from '../config/model-config.ts';
import type { Logger } from '../util/log.ts';
import { Harness, type RetryPolicy } from './harness.ts';
import type { VersionSelector } from './servable-request.ts';
import type { AspiredModel } from './source.ts';

export class ModelState {
  readonly harnesses = new Map<number, Harness>();
  /** Asked for at least once (or warmed up): new versions then load in the background. */
  active = false;
  /** Unloaded by an operator and not served since: readiness does not wait for it (it loads on its next request). */
  evicted = false;
  /** Labels in force, and moves (or new labels) waiting for their version to become AVAILABLE. */
  private readonly labels = new Map<string, number>();
  private readonly pendingLabels = new Map<string, number>();
  /** Refused label moves already logged, so that each is logged once. */
  private readonly refusals = new Map<string, number>();

  constructor(
    public config: ModelConfig,
    private readonly logger: Logger,
    private readonly allowUnavailableLabels = false,
  ) {}

  /**
   * The version a label names now: the one in force, else the version a new label is waiting for
   * (a request for it loads that version, after which the label is in force).
   */
  labelled(label: string): number | undefined {
    return this.labels.get(label) ?? this.pendingLabels.get(label);
  }

  /** Applies the config's labels by TF Serving's rule; called on every listing and after every load. */
  applyLabels(): void {
    const wanted = this.config.versionLabels;
    for (const label of [...this.labels.keys()]) if (!wanted.has(label)) this.labels.delete(label);
    for (const label of [...this.pendingLabels.keys()]) if (!wanted.has(label)) this.pendingLabels.delete(label);
    for (const [label, version] of wanted) {
      const current = this.labels.get(label);
      const target = this.harnesses.get(version);
      if (current === version) {
        if (target?.state !== 'AVAILABLE' && target?.state !== 'LOADING' && !target?.aspired) {
          this.warn('label_version_unavailable', { label, version, state: target?.state ?? 'not in the repository' });
        }
        continue;
      }
      if (this.allowUnavailableLabels || target?.state === 'AVAILABLE') {
        this.labels.set(label, version);
        this.pendingLabels.delete(label);
        if (current !== undefined || this.pendingLabels.has(label)) this.logger.log('info', 'label_moved', { model: this.config.name, label, from: current, to: version });
        continue;
      }
      const refused = target === undefined || !target.aspired || (target.state === 'END' && target.error !== undefined);
      if (refused) {
        this.pendingLabels.delete(label);
        if (this.refusals.get(label) !== version) {
          this.refusals.set(label, version);
          this.warn('label_refused', { label, version, reason: target === undefined ? 'no such version' : target.error?.message ?? 'not aspired', keeping: current ?? null });
        }
      } else if (this.pendingLabels.get(label) !== version) {
        this.pendingLabels.set(label, version);
        if (current !== undefined) this.logger.log('info', 'label_move_waiting', { model: this.config.name, label, from: current, to: version });
      }
    }
  }

  private warn(event: string, fields: Record<string, unknown>): void {
    this.logger.log('warn', event, { model: this.config.name, ...fields });
  }

  /**
   * The version a request with this selector would be served by now, loading nothing: what is
   * AVAILABLE (the latest request serves it while a newer one loads), else the newest aspired one.
   */
  expectedVersion(selector: VersionSelector): number | undefined {
    // A version that is retired, gone or failed serves nothing: no answer may be keyed by it.
    const serves = (v: number | bigint | undefined) => {
      const h = typeof v === 'number' ? this.harnesses.get(v) : undefined;
      return h !== undefined && (h.state === 'AVAILABLE' || (h.aspired && h.state !== 'END')) ? h.version : undefined;
    };
    if (selector.kind === 'label') return serves(this.labelled(selector.label));
    if (selector.kind === 'version') return serves(selector.version);
    const versions = this.sorted();
    return (versions.find((h) => h.state === 'AVAILABLE') ?? versions.find((h) => h.aspired))?.version;
  }

  /** Versions, highest first. */
  sorted(): Harness[] {
    return [...this.harnesses.values()].sort((a, b) => b.version - a.version);
  }

  /** The Source's latest word on this model: a harness for each new aspired version, every other relisted. */
  relist(model: AspiredModel, retry: RetryPolicy, now: () => number): void {
    this.config = model.config;
    for (const h of this.harnesses.values()) {
      const listed = model.present.get(h.version);
      if (listed) h.relisted(listed, model.aspired.has(h.version));
      else h.vanished();
    }
    for (const version of model.aspired) {
      if (this.harnesses.has(version)) continue;
      this.harnesses.set(version, new Harness(this.config.name, version, model.present.get(version)!, retry, now));
      this.logger.log('info', 'version_discovered', { model: this.config.name, version });
    }
    this.applyLabels();
  }

  /** Gone from the repository (and the config): nothing of it is aspired any more. */
  vanish(): void {
    for (const h of this.harnesses.values()) h.vanished();
  }
}
