// PrettyWriter's model of RapidJSON v1.1.0 (pretty-writer.ts has the reasoning), writing bytes into a
// ByteSink instead of concatenating strings, plus `numbers()`: a whole run of array elements in one
// tight loop, each with the separator PrettyPrefix would write. For large response bodies.
import { MAX_NUMBER_BYTES } from './ascii-decimal.ts';
import type { ByteSink } from './byte-sink.ts';
import { type NumberData, type NumberKind, writeNumber, writeNumberRun } from './number-runs.ts';
import { quoteJsonString } from './pretty-writer.ts';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const EMPTY = new Uint8Array(0);
const COMMA_SPACE = ascii(', ');
const COLON_SPACE = ascii(': ');
const OPEN_OBJECT = ascii('{');
const CLOSE_OBJECT = ascii('}');
const OPEN_ARRAY = ascii('[');
const CLOSE_ARRAY = ascii(']');

// "\n" + 4·depth spaces and ",\n" + 4·depth spaces, built once per depth.
const newlines: Uint8Array[] = [];
const commaNewlines: Uint8Array[] = [];
function newline(depth: number): Uint8Array {
  return (newlines[depth] ??= ascii(`\n${'    '.repeat(depth)}`));
}
function commaNewline(depth: number): Uint8Array {
  return (commaNewlines[depth] ??= ascii(`,\n${'    '.repeat(depth)}`));
}

export class PrettyByteWriter {
  // The open containers, innermost last: whether each is an array, and its count of values (an
  // object counts keys and values alike, as RapidJSON does).
  private readonly inArray: boolean[] = [];
  private readonly counts: number[] = [];
  /** RapidJSON's kFormatSingleLineArray, read when each token is written. */
  singleLineArrays = false;

  constructor(readonly sink: ByteSink) {}

  startObject(): void {
    this.prefix();
    this.push(false);
    this.sink.put(OPEN_OBJECT);
  }

  endObject(): void {
    this.inArray.pop();
    if (this.counts.pop()! > 0) this.sink.put(newline(this.counts.length));
    this.sink.put(CLOSE_OBJECT);
  }

  startArray(): void {
    this.prefix();
    this.push(true);
    this.sink.put(OPEN_ARRAY);
  }

  endArray(): void {
    this.inArray.pop();
    if (this.counts.pop()! > 0 && !this.singleLineArrays) this.sink.put(newline(this.counts.length));
    this.sink.put(CLOSE_ARRAY);
  }

  key(name: string): void {
    this.prefix();
    this.sink.text(quoteJsonString(name));
  }

  string(value: string): void {
    this.prefix();
    this.sink.text(quoteJsonString(value));
  }

  /** A number, `true`, `false` or `null`, already formatted (ASCII). */
  raw(token: string): void {
    this.prefix();
    this.sink.text(token);
  }

  /** One element of a numeric array as a value (a scalar tensor, or one row item). */
  number(kind: NumberKind, data: NumberData, i: number): void {
    this.prefix();
    this.sink.reserve(MAX_NUMBER_BYTES);
    this.sink.pos = writeNumber(this.sink.bytes, this.sink.pos, kind, data, i);
  }

  /**
   * Elements start … start+count-1 as the next `count` values of the open array: the bytes `count`
   * calls of number() would write, in one loop.
   */
  numbers(kind: NumberKind, data: NumberData, start: number, count: number): void {
    if (count === 0) return;
    const top = this.counts.length - 1;
    if (top < 0 || !this.inArray[top]) throw new Error('PrettyByteWriter.numbers() outside an array');
    const depth = top + 1;
    const before = this.counts[top]!;
    let first: Uint8Array;
    let rest: Uint8Array;
    if (this.singleLineArrays) {
      first = before > 0 ? COMMA_SPACE : EMPTY;
      rest = COMMA_SPACE;
    } else {
      first = before > 0 ? commaNewline(depth) : newline(depth);
      rest = commaNewline(depth);
    }
    this.counts[top] = before + count;
    writeNumberRun(this.sink, kind, data, start, count, first, rest);
  }

  private push(array: boolean): void {
    this.inArray.push(array);
    this.counts.push(0);
  }

  /** RapidJSON's PrettyPrefix: the separator, newline and indentation before a value or key. */
  private prefix(): void {
    const top = this.counts.length - 1;
    if (top < 0) return;
    const depth = top + 1;
    const count = this.counts[top]!;
    if (this.inArray[top]) {
      if (this.singleLineArrays) {
        if (count > 0) this.sink.put(COMMA_SPACE);
      } else {
        this.sink.put(count > 0 ? commaNewline(depth) : newline(depth));
      }
    } else if (count === 0) {
      this.sink.put(newline(depth));
    } else {
      // Object members alternate key, value; the format option is not consulted here.
      this.sink.put(count % 2 === 0 ? commaNewline(depth) : COLON_SPACE);
    }
    this.counts[top] = count + 1;
  }
}
