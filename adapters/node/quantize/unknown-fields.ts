// protobufjs drops fields its schema does not know when it decodes, so a model written by a newer
// ONNX (1.16 added metadata_props to graphs, nodes and tensors; overloads on nodes) would come back
// from the rewrite without them. This scan walks the wire format of the model, its graph and its
// nodes and names the first field number the ONNX 1.10 schema lacks, so the quantizer can refuse
// instead of changing the model silently. (Comparing lengths after a round trip does not work:
// onnx writes repeated numbers unpacked, protobufjs packed.)

/** Field numbers of the ONNX 1.10 schema (onnx-proto 8). */
const MODEL_FIELDS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25]);
const GRAPH_FIELDS = new Set([1, 2, 5, 10, 11, 12, 13, 14, 15]);
const NODE_FIELDS = new Set([1, 2, 3, 4, 5, 6, 7]);
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;

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

/** "graph field 16" and the like, or undefined when the schema knows every field. */
export function unknownField(model: Uint8Array): string | undefined {
  for (const f of fields(model)) {
    if (!MODEL_FIELDS.has(f.number)) return `model field ${f.number}`;
    if (f.number !== MODEL_GRAPH || !f.body) continue;
    for (const g of fields(f.body)) {
      if (!GRAPH_FIELDS.has(g.number)) return `graph field ${g.number}`;
      if (g.number !== GRAPH_NODE || !g.body) continue;
      for (const n of fields(g.body)) if (!NODE_FIELDS.has(n.number)) return `node field ${n.number}`;
    }
  }
  return undefined;
}
