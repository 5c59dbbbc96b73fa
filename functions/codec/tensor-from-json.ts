// JSON → tensor, as TF Serving's FillTensorProto does it: the shape is read off the first element
// at every depth, every list is then checked against it, and each leaf must be a JSON value that
// the input's dtype accepts (leaf-writers.ts). Messages are upstream's, word for word. An innermost
// list parsed as a NumberRun is stored in one loop; a run anywhere else is read as the ordinary
// array it stands for, so every error is the one the ordinary tree gets.
import type { DType } from '../tensor/dtype.ts';
import { allocate, elementCount, type Tensor, type TensorData } from '../tensor/tensor.ts';
import { invalidArgument, ServingError } from '../util/status.ts';
import { jsonDebugString } from '../util/json/debug-string.ts';
import { NumberRun, type JsonValue } from '../util/json/value.ts';
import { leafError, leafWriter, numberRunWriter, type LeafWriter, type RunWriter } from './leaf-writers.ts';

/** TensorFlow's limit on the rank of a tensor (TensorShape::MaxDimensions). */
const MAX_RANK = 254;

/** What an input accepts: a dtype edgeserve can fill, or a runtime type it cannot. */
export interface InputType {
  readonly dtype: DType | undefined;
  readonly runtimeType: string;
}

/** GetDenseTensorShape: the length of the first list at each depth; `[]` ends the descent. */
export function denseShape(value: JsonValue): number[] {
  const dims: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    dims.push(v.length);
    if (v.length === 0 || dims.length > MAX_RANK) break;
    v = v[0]!;
  }
  if (v instanceof NumberRun && dims.length <= MAX_RANK) dims.push(v.length); // never empty
  return dims;
}

export function shapeToString(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}

/** The server's limit, not a fault of one row: the row wrapper passes it through as it is. */
export class ElementLimitError extends ServingError {
  constructor(limit: number) {
    super('INVALID_ARGUMENT', `The request's tensors hold more than ${limit} elements, this server's limit (--max_request_elements)`);
  }
}

/**
 * How many tensor elements a request may still decode. The shape is read off the first element at
 * every depth, so a small ragged body can claim a huge one (`[[0, …1000 zeros], 1, 1, …]`): a
 * document of n characters holds fewer than n/2 + 1 leaves, and a claim above that is checked
 * without allocating, which yields TF Serving's own error for the ragged list.
 */
export class ElementBudget {
  private taken = 0;

  /** `left`: what the body can encode; `limit`: what the server allows (--max_request_elements). */
  constructor(
    private left: number,
    private readonly limit = Infinity,
  ) {}

  /**
   * False for a claim the body cannot hold (the caller checks the rows, for the ragged list's
   * error). A claim it could hold but the server does not allow throws at once: nothing is
   * allocated or walked for it.
   */
  take(n: number): boolean {
    if (n > this.left) return false;
    this.taken += n;
    if (this.taken > this.limit) throw new ElementLimitError(this.limit);
    this.left -= n;
    return true;
  }
}

const UNBOUNDED = { take: () => true } as const;

export function tensorFromJson(value: JsonValue, type: InputType, budget: Pick<ElementBudget, 'take'> = UNBOUNDED): Tensor {
  const dims = denseShape(value);
  if (dims.length > MAX_RANK) {
    throw invalidArgument(`JSON value has more than ${MAX_RANK} levels of nested lists`);
  }
  const { dtype } = type;
  if (dtype === undefined) {
    throw new ServingError('UNIMPLEMENTED', `Conversion of JSON Value: ${jsonDebugString(firstLeaf(value))} to type: ${type.runtimeType}`);
  }
  if (!budget.take(elementCount(dims))) {
    new Filler(dims, dtype, checkingWriters(dtype)).fill(value, 0); // throws the ragged list's error
    throw tooManyElements();
  }
  const data = allocate(dtype, elementCount(dims));
  const filler = new Filler(dims, dtype, writers(dtype, data));
  filler.fill(value, 0);
  return { dtype, dims, data };
}

/** How leaves are stored: one at a time, or a NumberRun at once. */
interface Writers {
  readonly leaf: LeafWriter;
  readonly run: RunWriter;
}

const writers = (dtype: DType, data: TensorData): Writers => ({ leaf: leafWriter(dtype, data), run: numberRunWriter(dtype, data) });

/** Checks leaves against the dtype without storing them (a claimed shape too large to allocate). */
function checkingWriters(dtype: DType): Writers {
  const write = leafWriter(dtype, allocate(dtype, 1));
  return { leaf: (v) => write(v, 0), run: numberRunWriter(dtype, undefined) };
}

const tooManyElements = () => invalidArgument('The request holds more tensor elements than its body can encode');

function firstLeaf(value: JsonValue): JsonValue {
  let v = value;
  while (Array.isArray(v) && v.length > 0) v = v[0]!;
  return v instanceof NumberRun ? v.at(0) : v;
}

class Filler {
  constructor(
    private readonly dims: readonly number[],
    private readonly dtype: DType,
    private readonly writers: Writers,
    /** Index of the next element to write. */
    private next = 0,
  ) {}

  fill(value: JsonValue, level: number): void {
    const rank = this.dims.length;
    if (value instanceof NumberRun) {
      if (level === rank - 1 && value.length === this.dims[level]) {
        const refused = this.writers.run(value, this.next);
        if (refused >= 0) throw leafError(value.at(refused), this.dtype);
        this.next += value.length;
        return;
      }
      value = value.toArray(); // misplaced: the ordinary path finds the error
    }
    if (!Array.isArray(value)) {
      if (level !== rank) {
        throw invalidArgument(
          `JSON Value: ${jsonDebugString(value)} found at incorrect level: ${level + 1} in the JSON DOM. Expected at level: ${rank}`,
        );
      }
      this.leaf(value);
      return;
    }
    if (level >= rank) throw invalidArgument(`Encountered list at unexpected level: ${level} expected < ${rank}`);
    const expected = this.dims[level]!;
    if (value.length !== expected) {
      throw invalidArgument(
        `Encountered list at unexpected size: ${value.length} at level: ${level} expected size: ${expected}`,
      );
    }
    if (level === rank - 1) {
      // Innermost list: the hot loop of every predict request.
      const write = this.writers.leaf;
      let i = this.next;
      for (let k = 0; k < value.length; k++) {
        const item = value[k]!;
        if (Array.isArray(item) || !write(item, i)) {
          this.next = i;
          this.fill(item, level + 1); // throws the precise error
        }
        i++;
      }
      this.next = i;
      return;
    }
    for (let k = 0; k < value.length; k++) this.fill(value[k]!, level + 1);
  }

  private leaf(value: JsonValue): void {
    if (!this.writers.leaf(value, this.next)) throw leafError(value, this.dtype);
    this.next++;
  }
}

/**
 * Builds the `[n, …row shape]` tensor of row-format (`instances`) input from one JSON value per
 * row, writing each row straight into the batch. A row whose shape differs from row 0 is first
 * converted on its own, so its own errors win, as upstream's per-row conversion has it.
 */
export class RowStacker {
  private rowDims: number[] | undefined;
  private data: TensorData | undefined;
  private writers: Writers | undefined;

  /** Rows are only checked, not stored: their claimed shape is more than the budget allows. */
  private overBudget = false;

  constructor(
    private readonly type: InputType,
    private readonly rows: number,
    private readonly budget: Pick<ElementBudget, 'take'> = UNBOUNDED,
  ) {}

  /** Adds row i (rows arrive in order). Throws the bare error; callers wrap it with the row index. */
  add(i: number, value: JsonValue): void {
    const { dtype } = this.type;
    const dims = denseShape(value);
    if (dtype === undefined || dims.length > MAX_RANK) tensorFromJson(value, this.type); // throws
    if (this.rowDims === undefined) {
      this.rowDims = dims;
      this.overBudget = !this.budget.take(elementCount(dims) * this.rows);
      // Over budget, the rows are still checked one by one, so a ragged one gets its own error.
      if (this.overBudget) this.writers = checkingWriters(dtype!);
      else {
        this.data = allocate(dtype!, elementCount(dims) * this.rows);
        this.writers = writers(dtype!, this.data);
      }
    }
    const expected = this.rowDims;
    const size = elementCount(expected);
    if (!sameDims(dims, expected)) {
      // The row on its own: validated without being stored (its claimed shape may be anything).
      new Filler(dims, dtype!, checkingWriters(dtype!)).fill(value, 0);
      const ownSize = elementCount(dims);
      if (ownSize !== size) throw invalidArgument(`Expecting tensor size: ${size} but got: ${ownSize}`);
      throw invalidArgument(`Expecting shape ${shapeToString(expected)} but got: ${shapeToString(dims)}`);
    }
    const filler = new Filler(expected, dtype!, this.writers!, this.overBudget ? 0 : i * size);
    filler.fill(value, 0);
  }

  finish(): Tensor {
    if (this.overBudget) throw tooManyElements();
    return { dtype: this.type.dtype!, dims: [this.rows, ...this.rowDims!], data: this.data! };
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
