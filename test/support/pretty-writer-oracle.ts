// RapidJSON PrettyWriter as functions/util/json/pretty-writer.ts modelled it before issue #14, frozen
// as part of the response-writer oracle.
const ESCAPE: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
// Strings with none of `"`, `\` or control characters are written as they are (the common case).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** RapidJSON's Writer::WriteString: `"`, `\` and control characters escaped, the rest raw. */
export function quoteJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const e = ESCAPE[c];
    if (e !== undefined) out += e;
    else if (c < 0x20) out += `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

interface Level {
  readonly inArray: boolean;
  valueCount: number;
}

export class PrettyWriter {
  private out = '';
  private readonly levels: Level[] = [];
  /** RapidJSON's kFormatSingleLineArray. */
  singleLineArrays = false;

  toString(): string {
    return this.out;
  }

  startObject(): void {
    this.prefix();
    this.levels.push({ inArray: false, valueCount: 0 });
    this.out += '{';
  }

  endObject(): void {
    const level = this.levels.pop()!;
    if (level.valueCount > 0) {
      this.out += '\n';
      this.indent();
    }
    this.out += '}';
  }

  startArray(): void {
    this.prefix();
    this.levels.push({ inArray: true, valueCount: 0 });
    this.out += '[';
  }

  endArray(): void {
    const level = this.levels.pop()!;
    if (level.valueCount > 0 && !this.singleLineArrays) {
      this.out += '\n';
      this.indent();
    }
    this.out += ']';
  }

  key(name: string): void {
    this.prefix();
    this.out += quoteJsonString(name);
  }

  string(value: string): void {
    this.prefix();
    this.out += quoteJsonString(value);
  }

  /** A number, `true`, `false` or `null`, already formatted. */
  raw(token: string): void {
    this.prefix();
    this.out += token;
  }

  private prefix(): void {
    const level = this.levels[this.levels.length - 1];
    if (level === undefined) return;
    if (level.inArray) {
      if (level.valueCount > 0) this.out += this.singleLineArrays ? ', ' : ',';
      if (!this.singleLineArrays) {
        this.out += '\n';
        this.indent();
      }
    } else {
      // Object members alternate key, value; the format option is not consulted here.
      if (level.valueCount > 0) this.out += level.valueCount % 2 === 0 ? ',\n' : ': ';
      else this.out += '\n';
      if (level.valueCount % 2 === 0) this.indent();
    }
    level.valueCount++;
  }

  private indent(): void {
    this.out += '    '.repeat(this.levels.length);
  }
}
