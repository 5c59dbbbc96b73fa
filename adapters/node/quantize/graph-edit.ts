// What every rewrite of a graph needs: fresh names that collide with nothing, the initializers by
// name (a weight shared by several nodes is quantized once and shared again), and the clean-up
// afterwards (float weights nobody reads any more are dropped; they would keep the file large).
import { elementTypes } from './element-types.ts';
import { DataType, dimsOf, floatValues, typeName, type Graph, type Model, type NodeProto, type TensorProto } from './onnx-model.ts';

/** One node the rewrite changed or left alone, for the report. */
export interface NodeNote {
  readonly node: string;
  readonly op: string;
  /** What it became (e.g. "MatMulInteger, per-channel") or why it was left as it was. */
  readonly note: string;
}

export class GraphEdit {
  readonly graph: Graph;
  readonly converted: NodeNote[] = [];
  readonly skipped: NodeNote[] = [];
  private readonly names = new Set<string>();
  private readonly initializers = new Map<string, TensorProto>();
  /** Names the graph's caller can feed: an initializer among them is a default, not a constant. */
  private readonly inputs: Set<string>;
  private readonly memo = new Map<string, unknown>();
  private types?: Map<string, number>;

  constructor(readonly model: Model) {
    this.graph = model.graph!;
    for (const t of this.graph.initializer) {
      this.initializers.set(t.name, t);
      this.names.add(t.name);
    }
    this.inputs = new Set(this.graph.input.map((i) => i.name));
    collectNames(this.graph, this.names);
  }

  /** `base`, or `base_2`, `base_3` … whichever no tensor or node of the graph uses yet. */
  fresh(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** A float constant's values, or why it cannot be treated as one. */
  constantFloat(name: string): { values: Float32Array; dims: number[] } | string {
    const t = this.initializers.get(name);
    if (!t) return 'the weight is computed at run time, not an initializer';
    if (this.inputs.has(name)) return 'the weight is also a graph input (a caller may feed another value)';
    // float32 only: the int8 forms' scales, DynamicQuantizeLinear and the rescale are float32, so a
    // double (or float16) weight would make an invalid model; it is left as it is instead.
    if (t.dataType !== DataType.FLOAT) return `the weight is not float32 (${typeName(t.dataType)})`;
    return { values: floatValues(t)!, dims: dimsOf(t) };
  }

  /** Why activation `name` cannot be quantized (its type is known and not float32), or undefined. */
  notFloatActivation(name: string): string | undefined {
    this.types ??= elementTypes(this.graph);
    const t = this.types.get(name);
    return t === undefined || t === DataType.FLOAT ? undefined : `the activation is not float32 (${typeName(t)})`;
  }

  isConstant(name: string): boolean {
    return this.initializers.has(name) && !this.inputs.has(name);
  }

  addInitializer(t: TensorProto): string {
    this.graph.initializer.push(t);
    this.initializers.set(t.name, t);
    return t.name;
  }

  /** The value `make` returns for `key`, made once: shared weights and activations are quantized once. */
  once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** Replaces the graph's nodes, then drops initializers no node, subgraph or output reads. */
  finish(nodes: NodeProto[]): void {
    this.graph.node = nodes;
    const used = new Set(this.graph.output.map((o) => o.name));
    collectInputs(this.graph, used);
    const kept = this.graph.initializer.filter((t) => used.has(t.name) || this.inputs.has(t.name));
    this.graph.initializer = kept;
  }
}

/** Every name a node of the graph or of its subgraphs reads (subgraphs may read outer names). */
function collectInputs(graph: Graph, into: Set<string>): void {
  for (const n of graph.node) {
    for (const x of n.input) into.add(x);
    for (const a of n.attribute) {
      if (a.g) collectInputs(a.g as Graph, into);
      for (const g of a.graphs ?? []) collectInputs(g as Graph, into);
    }
  }
}

/** Every tensor and node name of the graph and of its subgraphs (If/Loop/Scan bodies): a fresh name must shadow none. */
function collectNames(graph: Graph, into: Set<string>): void {
  for (const t of graph.initializer) into.add(t.name);
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) into.add(v.name);
  for (const n of graph.node) {
    into.add(n.name);
    for (const x of [...n.input, ...n.output]) into.add(x);
    for (const a of n.attribute) {
      if (a.g) collectNames(a.g as Graph, into);
      for (const g of a.graphs ?? []) collectNames(g as Graph, into);
    }
  }
}
