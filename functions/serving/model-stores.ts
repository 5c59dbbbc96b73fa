// Which store holds a model: the repository's, or — for a model whose config gives an absolute
// base_path (`/models/x`, `s3://bucket/x`) — a store opened on that location by the platform
// (a folder or S3 on Node and Lambda, S3 or HTTPS on Workers), one per location.
import type { ModelConfig } from '../config/model-config.ts';
import type { ModelStore } from '../storage/model-store.ts';
import { ServingError } from '../util/status.ts';

/** Opens a store on a location; throws (with a message for the operator) where the platform cannot. */
export type StoreOpener = (location: string) => ModelStore;

export class ModelStores {
  private readonly opened = new Map<string, ModelStore>();

  constructor(
    readonly repository: ModelStore,
    private readonly open?: StoreOpener,
  ) {}

  of(model: ModelConfig): ModelStore {
    if (model.location === undefined) return this.repository;
    let store = this.opened.get(model.location);
    if (store === undefined) {
      if (!this.open) throw new ServingError('FAILED_PRECONDITION', `base_path ${model.location} of model ${model.name} is outside the repository, which this platform cannot read`);
      this.opened.set(model.location, (store = this.open(model.location)));
    }
    return store;
  }
}
