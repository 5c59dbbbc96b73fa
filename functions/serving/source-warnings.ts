// The warnings a user would otherwise be lost without: a repository with nothing in it, a single
// model's folder given as the repository root, a model the config names that has no versions.
// Each is logged when it appears, once, and again only after it went away and came back.
import type { Logger } from '../util/log.ts';
import type { RepositoryListing } from './listing.ts';
import type { AspiredModel } from './source.ts';

export class SourceWarnings {
  private said = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Start-up: say which models will be served. */
  mode(explicitConfig: boolean, models: number): void {
    this.logger.log('info', 'repository_mode', {
      models,
      serving: explicitConfig
        ? "exactly the models of the given config (TF Serving's --model_config_file)"
        : 'every top-level folder with version folders, plus the entries of the repository config if it has one',
    });
  }

  check(listing: RepositoryListing | undefined, models: ReadonlyMap<string, AspiredModel>): void {
    const now = new Map<string, [string, Record<string, unknown>]>();
    if (listing?.hasTopLevelVersions()) {
      now.set('model-folder', ['repository_is_a_model_folder', {
        hint: 'the repository root holds version folders: it is one model\'s folder; pass its parent as --model_base_path, or use --model_name NAME --model_base_path <this folder>',
      }]);
    } else if (listing?.empty && models.size === 0) {
      now.set('empty', ['repository_empty', { hint: 'no models: put <model>/<version>/model.onnx in the repository' }]);
    }
    for (const [name, m] of models) {
      if (m.present.size === 0 && !m.stale) {
        now.set(`no-versions:${name}`, ['model_has_no_versions', { model: name, base_path: m.config.location ?? m.config.basePath }]);
      }
    }
    for (const [key, [event, fields]] of now) if (!this.said.has(key)) this.logger.log('warn', event, fields);
    this.said = new Set(now.keys());
  }
}
