// An InferenceBackend for tests whose sessions echo, fail or hang — decided by the model bytes, or
// on cue. Serving, routing and REST tests need sessions that misbehave at a chosen moment, which
// onnxruntime cannot be made to do; the "model file" here is a small JSON text:
//
//   {"inputs":[{"name":"x","dtype":"float32","dims":[-1]}],
//    "outputs":[{"name":"y","dtype":"float32","dims":[-1]}],"behaviour":"echo"}
//
// behaviour  echo     each run copies the i-th input to the i-th output (x → y), dtype, dims and data
//            fail     every run rejects
//            hang     every run waits until resume(), then answers as echo
//            corrupt  createSession rejects (so do bytes that are not such a JSON text)
//
//   const backend = new FakeBackend({ runDelayMs: 5 });
//   backend.failNextCreate(); backend.hangNextRun();   // cues: the next call only
//   backend.resume();                                  // lets every hung create and run go on
//   backend.sessionsCreated / sessionsReleased / runsInFlight / runsStarted
import type { InferenceBackend, InferenceSession } from '../../functions/runtime/backend.ts';
import { isDType, type DType } from '../../functions/tensor/dtype.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import type { TensorSpec } from '../../functions/tensor/tensor-spec.ts';
import type { MemoryStore } from './memory-store.ts';

export type FakeBehaviour = 'echo' | 'fail' | 'hang' | 'corrupt';

export interface FakeTensorSpec {
  readonly name: string;
  readonly dtype: DType;
  /** -1 (or a string) for a dynamic dimension. */
  readonly dims: readonly (number | string)[];
}

export interface FakeModel {
  readonly inputs: readonly FakeTensorSpec[];
  readonly outputs: readonly FakeTensorSpec[];
  readonly behaviour: FakeBehaviour;
}

/** The bytes of a fake model; by default x: float32[-1] → y: float32[-1], echo. */
export function fakeModel(model: Partial<FakeModel> = {}): Uint8Array {
  const full: FakeModel = {
    inputs: model.inputs ?? [{ name: 'x', dtype: 'float32', dims: [-1] }],
    outputs: model.outputs ?? [{ name: 'y', dtype: 'float32', dims: [-1] }],
    behaviour: model.behaviour ?? 'echo',
  };
  return new TextEncoder().encode(JSON.stringify(full));
}

/**
 * Writes a repository of fake models into a store, TF Serving's layout:
 * `{ half_plus_two: { 1: {}, 2: { behaviour: 'fail' } } }` → `half_plus_two/1/model.onnx`, ….
 * A Uint8Array value is written as it is (e.g. random bytes for a corrupt model).
 */
export function writeFakeRepository(store: MemoryStore, models: Record<string, Record<number, Partial<FakeModel> | Uint8Array>>): void {
  for (const [name, versions] of Object.entries(models)) {
    for (const [version, model] of Object.entries(versions)) {
      store.put(`${name}/${version}/model.onnx`, model instanceof Uint8Array ? model : fakeModel(model));
    }
  }
}

export interface FakeBackendOptions {
  /** The backend's name and every session's `backend`; default `fake`. */
  readonly name?: string;
  /** Every run waits this long before it answers (a slow model). */
  readonly runDelayMs?: number;
}

type Cue = { kind: 'fail'; error: Error } | { kind: 'hang' };

export class FakeBackend implements InferenceBackend {
  readonly name: string;
  runDelayMs: number;
  /** Sessions createSession has resolved with, and those released since (each counted once). */
  sessionsCreated = 0;
  sessionsReleased = 0;
  /** Runs started so far, and those not yet settled (hung ones included). */
  runsStarted = 0;
  runsInFlight = 0;

  private nextCreate: Cue | undefined;
  private nextRun: Cue | undefined;
  private hung: (() => void)[] = [];

  constructor(options: FakeBackendOptions = {}) {
    this.name = options.name ?? 'fake';
    this.runDelayMs = options.runDelayMs ?? 0;
  }

  /** Sessions created and not released. */
  get sessionsLive(): number {
    return this.sessionsCreated - this.sessionsReleased;
  }

  /** The next createSession rejects with this error, whatever the model. */
  failNextCreate(error = new Error('simulated session failure')): void {
    this.nextCreate = { kind: 'fail', error };
  }

  /** The next createSession waits until resume(), then creates the session from its bytes. */
  hangNextCreate(): void {
    this.nextCreate = { kind: 'hang' };
  }

  /** The next run, of any session of this backend, rejects with this error. */
  failNextRun(error = new Error('simulated run failure')): void {
    this.nextRun = { kind: 'fail', error };
  }

  /** The next run, of any session of this backend, waits until resume(), then answers. */
  hangNextRun(): void {
    this.nextRun = { kind: 'hang' };
  }

  /** Lets every hung createSession and run (cued or "hang" models) go on. */
  resume(): void {
    const hung = this.hung;
    this.hung = [];
    for (const go of hung) go();
  }

  async createSession(model: Uint8Array): Promise<InferenceSession> {
    const cue = this.nextCreate;
    this.nextCreate = undefined;
    if (cue?.kind === 'fail') throw cue.error;
    if (cue?.kind === 'hang') await this.hang();
    const parsed = parseFakeModel(model);
    this.sessionsCreated++;
    return new FakeSession(this, parsed);
  }

  /** For FakeSession only: the cue for this run, consumed. */
  takeRunCue(): Cue | undefined {
    const cue = this.nextRun;
    this.nextRun = undefined;
    return cue;
  }

  /** For FakeSession only: waits until resume(). */
  hang(): Promise<void> {
    return new Promise((go) => this.hung.push(go));
  }
}

class FakeSession implements InferenceSession {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly backend: string;
  private released = false;

  constructor(private readonly owner: FakeBackend, private readonly model: FakeModel) {
    const spec = (s: FakeTensorSpec): TensorSpec => ({ name: s.name, dtype: s.dtype, runtimeType: s.dtype, dims: s.dims });
    this.inputs = model.inputs.map(spec);
    this.outputs = model.outputs.map(spec);
    this.backend = owner.name;
  }

  async run(feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
    const owner = this.owner;
    owner.runsStarted++;
    owner.runsInFlight++;
    try {
      // A released session must never be run: the manager's unload-while-held bugs show up here.
      if (this.released) throw new Error('run on a released session');
      const cue = owner.takeRunCue();
      if (cue?.kind === 'fail') throw cue.error;
      if (cue?.kind === 'hang' || this.model.behaviour === 'hang') await owner.hang();
      if (owner.runDelayMs > 0) await new Promise((r) => setTimeout(r, owner.runDelayMs));
      if (this.model.behaviour === 'fail') throw new Error('simulated model failure');
      const out = new Map<string, Tensor>();
      this.model.outputs.forEach((output, i) => {
        const input = this.model.inputs[i];
        const tensor = input && feeds.get(input.name);
        if (!tensor) throw new Error(`input '${input?.name ?? i}' is missing`);
        out.set(output.name, { dtype: tensor.dtype, dims: [...tensor.dims], data: tensor.data.slice() });
      });
      return out;
    } finally {
      owner.runsInFlight--;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.owner.sessionsReleased++;
  }
}

/** The JSON text fakeModel writes; anything else is a corrupt model, as random bytes are to onnxruntime. */
function parseFakeModel(bytes: Uint8Array): FakeModel {
  let doc: Partial<FakeModel>;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<FakeModel>;
  } catch {
    throw new Error('Failed to load model: not a fake model (bytes are not its JSON text)');
  }
  const specsOk = (specs: unknown) =>
    Array.isArray(specs) && specs.every((s: FakeTensorSpec) => typeof s?.name === 'string' && isDType(s.dtype) && Array.isArray(s.dims));
  if (doc?.behaviour === 'corrupt') throw new Error('Failed to load model: corrupt (fake)');
  if (!specsOk(doc?.inputs) || !specsOk(doc?.outputs) || !['echo', 'fail', 'hang'].includes(doc.behaviour as string)) {
    throw new Error('Failed to load model: a fake model needs inputs, outputs and a behaviour');
  }
  return doc as FakeModel;
}
