// What the rewrites rely on about a decoded graph: no field the ONNX 1.10 schema lacks anywhere in
// it (protobufjs would drop it on the way back out) — in tensors, value infos, attributes and the
// nodes of subgraphs as much as at the top — and fresh names that collide with nothing, subgraphs
// included.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { GraphEdit } from '../../adapters/node/quantize/graph-edit.ts';
import { decodeModel, type Model } from '../../adapters/node/quantize/onnx-model.ts';
import { unknownField } from '../../adapters/node/quantize/unknown-fields.ts';
import { buildModel } from '../fixtures/onnx-builder.ts';

const { onnx } = onnxProto;

/** x → If(cond){ Identity(x) → x_quantized } else { Identity(x) → other } → y, w an initializer. */
function withSubgraph(): Model {
  const model = decodeModel(buildModel({
    name: 'if', inputs: [{ name: 'x', type: 'float', shape: [2] }, { name: 'cond', type: 'bool', shape: [] }],
    outputs: [{ name: 'y', type: 'float', shape: [2] }],
    initializers: [{ name: 'w', type: 'float', dims: [2], data: [1, 2] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  }));
  const branch = (out: string) => onnx.GraphProto.create({
    name: `${out}_branch`, node: [onnx.NodeProto.create({ opType: 'Identity', input: ['x'], output: [out], name: `${out}_node` })],
    output: [onnx.ValueInfoProto.create({ name: out, type: { tensorType: { elemType: 1 } } })],
  });
  const A = onnx.AttributeProto.AttributeType.GRAPH;
  model.graph.node = [onnx.NodeProto.create({
    opType: 'If', input: ['cond'], output: ['y'], name: 'choose',
    attribute: [{ name: 'then_branch', type: A, g: branch('x_quantized') }, { name: 'else_branch', type: A, g: branch('other') }],
  }) as never];
  return model;
}

/** A length-delimited field: key, length, bytes. */
function field(number: number, body: Uint8Array): Uint8Array {
  const varint = (v: number) => { const out: number[] = []; while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v = Math.floor(v / 128); } out.push(v); return out; };
  return Uint8Array.from([...varint(number * 8 + 2), ...varint(body.length), ...body]);
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** Field 16 as a varint (1.16's metadata_props and the like are at such numbers). */
const UNKNOWN = Uint8Array.from([0x80, 0x01, 0x01]);

describe('fields newer than the ONNX 1.10 schema, at any depth', () => {
  const model = withSubgraph();
  const encode = (m: object) => onnx.ModelProto.encode(m).finish().slice();
  const graphBytes = (g: object) => onnx.GraphProto.encode(g).finish().slice();
  /** The model with its graph's bytes replaced by `graph` (fields of a message may come in any order). */
  const withGraph = (graph: Uint8Array) => concat(encode({ ...model, graph: undefined }), field(7, graph));

  it('the model as built has none', () => expect(unknownField(encode(model))).toBeUndefined());

  it.each([
    ['an initializer (TensorProto)', () => withGraph(concat(graphBytes({ ...model.graph, initializer: [] }), field(5, concat(onnx.TensorProto.encode(model.graph.initializer[0]!).finish(), UNKNOWN)))), /tensor field 16/],
    ['a graph input (ValueInfoProto)', () => withGraph(concat(graphBytes({ ...model.graph, input: [] }), field(11, concat(onnx.ValueInfoProto.encode(model.graph.input[0]!).finish(), UNKNOWN)))), /value info field 16/],
    ['a value type (TypeProto.Tensor)', () => withGraph(concat(graphBytes({ ...model.graph, input: [] }), field(11, concat(field(1, new TextEncoder().encode('x')), field(2, field(1, UNKNOWN)))))), /type field 16/],
    ['an attribute (AttributeProto)', () => {
      const node = model.graph.node[0]!;
      const attrs = node.attribute.map((a) => field(5, concat(onnx.AttributeProto.encode(a).finish(), UNKNOWN)));
      return withGraph(concat(graphBytes({ ...model.graph, node: [] }), field(1, concat(onnx.NodeProto.encode({ ...node, attribute: [] }).finish(), ...attrs))));
    }, /attribute field 16/],
    ['a node of a subgraph', () => {
      const node = model.graph.node[0]!;
      const [then, other] = node.attribute;
      const inner = then!.g!.node![0]!;
      const g = concat(onnx.GraphProto.encode({ ...then!.g, node: [] }).finish(), field(1, concat(onnx.NodeProto.encode(inner).finish(), UNKNOWN)));
      const attr = concat(onnx.AttributeProto.encode({ ...then, g: undefined }).finish(), field(6, g));
      return withGraph(concat(graphBytes({ ...model.graph, node: [] }), field(1, concat(onnx.NodeProto.encode({ ...node, attribute: [other] }).finish(), field(5, attr)))));
    }, /node field 16/],
  ])('in %s', (_where, build, message) => {
    const bytes = build();
    expect(() => decodeModel(bytes)).toThrow(message);
    expect(unknownField(bytes)).toMatch(message);
  });
});

describe('fresh names', () => {
  it('collide with no name used inside a subgraph', () => {
    const edit = new GraphEdit(withSubgraph());
    expect(edit.fresh('x_quantized')).toBe('x_quantized_2');
    expect(edit.fresh('x_quantized_node')).toBe('x_quantized_node_2');
    expect(edit.fresh('w')).toBe('w_2');
    expect(edit.fresh('new')).toBe('new');
  });
});
