// The growable buffer a large JSON body is written into: UTF-8 bytes in one Uint8Array, decoded to
// a string once at the end (a 16 MB ASCII body decodes in ~15 ms, where 16 M `+=` or per-token
// chunks cost far more). An optional cap on the body's UTF-8 size is checked whenever room is
// reserved, that is once per token or per block of numbers, never per byte.

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

// Strings with a lone surrogate cannot pass through UTF-8 unchanged; they are kept as JS strings.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export class ByteSink {
  /** The buffer; valid up to `pos`. Writers reserve room, write at `pos`, and move `pos` on. */
  bytes: Uint8Array;
  pos = 0;
  /** Text before `bytes`, when a string that UTF-8 cannot carry forced a flush (rare). */
  private readonly chunks: string[] = [];
  private chunkBytes = 0;

  /**
   * @param maxBytes the cap on the UTF-8 length of the whole text (Infinity: none)
   * @param overflow called (and expected to throw) once the text is past maxBytes
   * @param initialBytes a first capacity, e.g. an estimate of the whole body
   */
  constructor(
    private readonly maxBytes: number,
    private readonly overflow: () => never,
    initialBytes = 1 << 16,
  ) {
    this.bytes = new Uint8Array(Math.max(64, Math.min(initialBytes, maxBytes + 1, 1 << 28)));
  }

  /** UTF-8 bytes written so far. */
  get byteLength(): number {
    return this.chunkBytes + this.pos;
  }

  /** Checks the cap against what is written so far, and makes room for n more bytes at `pos`. */
  reserve(n: number): void {
    if (this.chunkBytes + this.pos > this.maxBytes) this.overflow();
    if (this.pos + n > this.bytes.length) this.grow(n);
  }

  private grow(n: number): void {
    // Doubling, but not far past the cap: the text is thrown away once it passes maxBytes.
    const limit = Math.max(this.pos + n, this.maxBytes - this.chunkBytes + n);
    const size = Math.min(Math.max(this.bytes.length * 2, this.pos + n), limit);
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.pos));
    this.bytes = bigger;
  }

  /** Appends bytes (ASCII punctuation and indentation, mostly). */
  put(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    const buf = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!;
    this.pos = pos;
  }

  /** Appends any string as UTF-8 (ASCII copied directly, the rest through TextEncoder). */
  text(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.bytes;
    const pos = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.unicode(s);
        return;
      }
      buf[pos + i] = c;
    }
    this.pos = pos + n;
  }

  private unicode(s: string): void {
    if (!LONE_SURROGATE.test(s)) {
      this.reserve(s.length * 3);
      this.pos += encoder.encodeInto(s, this.bytes.subarray(this.pos)).written;
      return;
    }
    // The old writer kept such strings as they were; so does this one (they are counted as the
    // U+FFFD a UTF-8 encoder later writes for each lone surrogate).
    this.chunks.push(decoder.decode(this.bytes.subarray(0, this.pos)), s);
    this.chunkBytes += this.pos + utf8Length(s);
    this.pos = 0;
    this.reserve(0);
  }

  /** The whole text; calls overflow if it is past maxBytes. */
  finish(): string {
    if (this.byteLength > this.maxBytes) this.overflow();
    const tail = decoder.decode(this.bytes.subarray(0, this.pos));
    if (this.chunks.length === 0) return tail;
    this.chunks.push(tail);
    return this.chunks.join('');
  }
}

/** UTF-8 length of a string, a lone surrogate counted as the 3 bytes of U+FFFD. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
