// protobufjs drops fields its schema does not know when it decodes, so a model written by a newer
// ONNX (1.16 added metadata_props to graphs, nodes, tensors and value infos; overloads on nodes)
// would come back from the rewrite without them. This scan walks the wire format of every message
// the rewrite decodes — the graph and its subgraphs, nodes, attributes, tensors, value infos and
// their types — and names the first field number the ONNX 1.10 schema lacks, so the quantizer can
// refuse instead of changing the model silently. (Comparing lengths after a round trip does not work:
// onnx writes repeated numbers unpacked, protobufjs packed.)

/**
 * The ONNX 1.10 schema (onnx-proto 8), message by message: each known field number, with the
 * message it holds when it holds one (walked in turn) or null for a scalar, string or bytes.
 */
type Schema = Readonly<Record<string, Readonly<Record<number, string | null>>>>;
const SCHEMA: Schema = {
  model: { 1: null, 2: null, 3: null, 4: null, 5: null, 6: null, 7: 'graph', 8: 'opset import', 14: 'metadata entry', 20: 'training info', 25: 'function' },
  graph: { 1: 'node', 2: null, 5: 'tensor', 10: null, 11: 'value info', 12: 'value info', 13: 'value info', 14: 'tensor annotation', 15: 'sparse tensor' },
  node: { 1: null, 2: null, 3: null, 4: null, 5: 'attribute', 6: null, 7: null },
  attribute: { 1: null, 2: null, 3: null, 4: null, 5: 'tensor', 6: 'graph', 7: null, 8: null, 9: null, 10: 'tensor', 11: 'graph', 13: null, 14: 'type', 15: 'type', 20: null, 21: null, 22: 'sparse tensor', 23: 'sparse tensor' },
  tensor: { 1: null, 2: null, 3: 'segment', 4: null, 5: null, 6: null, 7: null, 8: null, 9: null, 10: null, 11: null, 12: null, 13: 'metadata entry', 14: null },
  segment: { 1: null, 2: null },
  'sparse tensor': { 1: 'tensor', 2: 'tensor', 3: null },
  'value info': { 1: null, 2: 'type', 3: null },
  type: { 1: 'tensor type', 4: 'sequence type', 5: 'map type', 6: null, 8: 'tensor type', 9: 'sequence type' },
  'tensor type': { 1: null, 2: 'shape' },
  'sequence type': { 1: 'type' }, // Sequence and Optional: elem_type
  'map type': { 1: null, 2: 'type' },
  shape: { 1: 'dimension' },
  dimension: { 1: null, 2: null, 3: null },
  'opset import': { 1: null, 2: null },
  'metadata entry': { 1: null, 2: null },
  'tensor annotation': { 1: null, 2: 'metadata entry' },
  // Training info and functions are not rewritten (functions are refused): their top level is checked only.
  'training info': { 1: null, 2: null, 3: null, 4: null },
  function: { 1: null, 4: null, 5: null, 6: null, 7: null, 8: null, 9: null, 10: null },
};

interface Field { readonly number: number; readonly body?: Uint8Array }

/** The top-level fields of one message (length-delimited ones with their bytes). */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated');
      const b = bytes[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key & 7) {
      case 0: varint(); out.push({ number }); break;
      case 1: at += 8; out.push({ number }); break;
      case 5: at += 4; out.push({ number }); break;
      case 2: {
        const length = varint();
        out.push({ number, body: bytes.subarray(at, at + length) });
        at += length;
        break;
      }
      default: throw new Error(`wire type ${key & 7}`);
    }
  }
  return out;
}

/** "graph field 16", "tensor field 16" and the like, or undefined when the schema knows every field. */
export function unknownField(model: Uint8Array): string | undefined {
  return walk(model, 'model', 0);
}

function walk(bytes: Uint8Array, message: string, depth: number): string | undefined {
  // Subgraphs nest graphs in graphs; a file nesting deeper than this is not a model to rewrite.
  if (depth > 64) return `${message} nested more than 64 deep`;
  const known = SCHEMA[message]!;
  for (const f of fields(bytes)) {
    if (!(f.number in known)) return `${message} field ${f.number}`;
    const child = known[f.number];
    if (child && f.body) {
      const found = walk(f.body, child, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
