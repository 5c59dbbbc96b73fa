// TF Serving's echo of a JSON value inside error texts (`JSON Value: <doc> …`): RapidJSON's
// PrettyWriter with arrays kept on one line, a top-level float written with WriteDecimal, and the
// dump cut short where RapidJSON's writer refuses a nested NaN/Infinity, and after ~256 bytes.
import { rapidJsonDouble, writeDecimal } from './decimal.ts';
import { PrettyWriter } from './pretty-writer.ts';
import { JsonInt, NumberRun, type JsonValue } from './value.ts';

const MAX_ECHO_CHARS = 256;
const FLOAT_MAX = 3.4028234e38;

export function jsonDebugString(value: JsonValue): string {
  if (typeof value === 'number') {
    const asFloat = Number.isFinite(value) && value >= -FLOAT_MAX && value <= FLOAT_MAX;
    return writeDecimal(asFloat ? Math.fround(value) : value, asFloat);
  }
  const w = new PrettyWriter();
  w.singleLineArrays = true;
  write(w, value);
  const text = w.toString();
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}...` : text;
}

/** Returns false where RapidJSON's writer would abort (a non-finite double), or past the echo limit. */
function write(w: PrettyWriter, value: JsonValue): boolean {
  // Whatever follows would be cut off anyway; stopping here also bounds the recursion, so a deeply
  // nested document (the parser takes 500k levels) cannot overflow the stack.
  if (w.toString().length > MAX_ECHO_CHARS) return false;
  if (value === null) w.raw('null');
  else if (value === true) w.raw('true');
  else if (value === false) w.raw('false');
  else if (typeof value === 'string') w.string(value);
  else if (typeof value === 'number') {
    const text = rapidJsonDouble(value);
    // PrettyWriter::Double writes the separator (PrettyPrefix) before WriteDouble refuses the value.
    w.raw(text ?? '');
    if (text === undefined) return false;
  } else if (value instanceof JsonInt) w.raw(value.toString());
  else if (Array.isArray(value)) {
    w.startArray();
    for (const item of value) if (!write(w, item)) return false;
    w.endArray();
  } else if (value instanceof NumberRun) {
    // Element by element, as the ordinary array it stands for (ints and floats print differently).
    w.startArray();
    for (let k = 0; k < value.length; k++) if (!write(w, value.at(k))) return false;
    w.endArray();
  } else {
    w.startObject();
    for (const [k, v] of value) {
      w.key(k);
      if (!write(w, v)) return false;
    }
    w.endObject();
  }
  return true;
}
