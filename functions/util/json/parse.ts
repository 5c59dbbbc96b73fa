// A JSON parser that reads what TF Serving's RapidJSON reads (kParseIterativeFlag |
// kParseNanAndInfFlag | kParseStopWhenDoneFlag) and fails with RapidJSON's messages and byte
// offsets. Iterative, so a deeply nested body cannot overflow the stack; trailing bytes after the
// top-level value are ignored; a NUL byte ends the input, as in RapidJSON's string stream.
//
// One difference from RapidJSON, on purpose: nesting is limited (MAX_JSON_DEPTH). RapidJSON's
// iterative parser has no limit, so TF Serving would take a million `[` and answer with a shape
// error later; here a document nested deeper than the limit fails at the bracket that goes too
// deep, with its own message, before the tree is built.
import type { TimeSlicer } from '../time-slicer.ts';
import { longDecimalToDouble } from './decimal-to-double.ts';
import { JsonInt, NumberRun, type JsonObject, type JsonValue } from './value.ts';

/**
 * Levels of nesting a document may have: TensorFlow's MAX_RANK (254) of lists plus the few object
 * levels of a request (`{"inputs": {"name": …}}`, `{"b64": …}`), with room to spare.
 */
export const MAX_JSON_DEPTH = 512;

export interface ParseOptions {
  /**
   * Innermost lists of plain numbers come as NumberRun nodes instead of arrays (value.ts). Only
   * for documents read by the predict codec, which understands them.
   */
  readonly numberRuns?: boolean;
  /**
   * The most numbers the document may hold (a predict request's --max_request_elements): past it
   * the parse stops with TooManyNumbersError, before it has stored more than twice as many.
   */
  readonly maxNumbers?: number;
}

/** The document holds more numbers than ParseOptions.maxNumbers allows. */
export class TooManyNumbersError extends Error {
  constructor(readonly limit: number) {
    super(`The document holds more than ${limit} numbers`);
    this.name = 'TooManyNumbersError';
  }
}

export class JsonParseError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at offset: ${offset}`);
  }
}

const C_TAB = 9, C_LF = 10, C_CR = 13, C_SPACE = 32, C_QUOTE = 34, C_PLUS = 43, C_COMMA = 44,
  C_MINUS = 45, C_DOT = 46, C_0 = 48, C_9 = 57, C_COLON = 58, C_E = 69, C_I = 73, C_N = 78,
  C_LBRACKET = 91, C_BACKSLASH = 92, C_RBRACKET = 93, C_e = 101, C_f = 102, C_n = 110, C_t = 116,
  C_LBRACE = 123, C_RBRACE = 125, C_a = 97, C_i = 105, C_y = 121;

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
  1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

// Integer literals 0..1023 are shared, so pixel-like integer arrays do not allocate per element.
const SMALL_INTS: JsonInt[] = Array.from({ length: 1024 }, (_, i) => new JsonInt(i));
const INT64_MIN = -(2n ** 63n);
// Below this, mantissa·10 + 9 stays under 2^53, so accumulating one more digit is exact.
const MANTISSA_LIMIT = 9e14;
const UINT64_MAX = 2n ** 64n - 1n;

/** What scanNumber read. */
const FLOAT = 0, INT = 1, OTHER = 2;

function smallOrNewInt(v: number): JsonInt {
  return v >= 0 && v < SMALL_INTS.length ? SMALL_INTS[v]! : new JsonInt(v);
}

const MSG = {
  empty: 'The document is empty.',
  invalid: 'Invalid value.',
  missName: 'Missing a name for object member.',
  missColon: 'Missing a colon after a name of object member.',
  missCommaBrace: "Missing a comma or '}' after an object member.",
  missCommaBracket: "Missing a comma or ']' after an array element.",
  badHex: 'Incorrect hex digit after \\u escape in string.',
  badSurrogate: 'The surrogate pair in string is invalid.',
  badEscape: 'Invalid escape character in string.',
  missQuote: 'Missing a closing quotation mark in string.',
  tooBig: 'Number too big to be stored in double.',
  missFraction: 'Miss fraction part in number.',
  missExponent: 'Miss exponent in number.',
} as const;

const tooDeep = (maxDepth: number) => `Nesting is deeper than ${maxDepth} levels.`;

const ESCAPES: Record<number, string> = {
  0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t',
};

/** Parses `text` (the request body decoded as UTF-8). Throws JsonParseError. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH, options: ParseOptions = {}): JsonValue {
  const steps = new Parser(text, maxDepth, options).steps();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * parseJson, giving the event loop back whenever `slicer` says a slice of time is used up, so
 * that one big body does not hold up every other request (the same document and errors).
 */
export async function parseJsonSliced(text: string, slicer: TimeSlicer, maxDepth = MAX_JSON_DEPTH, options: ParseOptions = {}): Promise<JsonValue> {
  const steps = new Parser(text, maxDepth, options).steps();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await slicer.pause();
  }
}

/** Values (the numbers of a run each count) read between two chances to pause. */
const VALUES_PER_STEP = 8192;
/** numberRunNode's answer when it stopped partway for a pause; it resumes where it stopped. */
const PAUSED = Symbol('paused');

/** A run read partway: what numberRunNode needs to go on. */
interface PendingRun {
  readonly start: number;
  readonly i: number;
  readonly n: number;
  readonly ints: number;
  readonly values: Float64Array;
  readonly flags: Uint8Array;
}

/**
 * Scratch space of NumberRun reading, shared by all parses (JS runs one parse at a time); one that
 * grew past KEPT_SCRATCH for a long list is not kept, so that one big body does not pin it.
 */
const KEPT_SCRATCH = 1 << 16;
let runValues: Float64Array = new Float64Array(1024);
let runIntFlags: Uint8Array = new Uint8Array(1024);

function keepScratch(values: Float64Array, flags: Uint8Array): void {
  if (values.length > KEPT_SCRATCH) return;
  runValues = values;
  runIntFlags = flags;
}

class Parser {
  private i = 0;
  private readonly end: number;
  private readonly s: string;
  /** Where scanNumber leaves a double (a typed array, so storing it does not box it). */
  private readonly num = new Float64Array(1);
  private other: JsonValue = null;
  private pending: PendingRun | undefined;
  /** Values to read before the next chance to pause. */
  private untilStep = VALUES_PER_STEP;
  private readonly numberRuns: boolean;
  /** Numbers stored so far, and the most allowed. */
  private numbers = 0;
  private readonly maxNumbers: number;

  constructor(
    text: string,
    private readonly maxDepth: number,
    options: ParseOptions,
  ) {
    this.numberRuns = options.numberRuns === true;
    this.maxNumbers = options.maxNumbers ?? Infinity;
    // A NUL ends the input; cutting there lets hot loops read past the end (charCodeAt → NaN,
    // which fails every comparison) instead of checking bounds per character.
    const nul = text.indexOf('\0');
    this.s = nul < 0 ? text : text.slice(0, nul);
    this.end = this.s.length;
  }

  /** The parse, as steps: each yield is a chance to pause; the return value is the document. */
  *steps(): Generator<undefined, JsonValue, undefined> {
    const stack: (JsonValue[] | JsonObject)[] = [];
    const keys: string[] = [];
    this.skipWs();
    if (this.i >= this.end) this.fail(MSG.empty, this.i);
    // RapidJSON's iterative parser has no transition from its start state on `]`, `}`, `,` or `:`
    // and reports the start state's error for them.
    const first = this.peek();
    if (first === C_RBRACKET || first === C_RBRACE || first === C_COMMA || first === C_COLON) {
      this.fail(MSG.empty, this.i);
    }
    for (;;) {
      if (--this.untilStep <= 0) {
        this.untilStep = VALUES_PER_STEP;
        yield;
      }
      // Expecting a value.
      this.skipWs();
      let value: JsonValue;
      const c = this.peek();
      if (c === C_LBRACE) {
        if (stack.length >= this.maxDepth) this.fail(tooDeep(this.maxDepth), this.i);
        this.i++;
        this.skipWs();
        if (this.peek() === C_RBRACE) {
          this.i++;
          value = new Map();
        } else {
          stack.push(new Map());
          keys.push(this.memberName());
          continue;
        }
      } else if (c === C_LBRACKET) {
        if (stack.length >= this.maxDepth) this.fail(tooDeep(this.maxDepth), this.i);
        this.i++;
        this.skipWs();
        let run: NumberRun | undefined;
        if (this.numberRuns && this.peek() !== C_RBRACKET) {
          let read: NumberRun | typeof PAUSED | undefined;
          while ((read = this.numberRunNode()) === PAUSED) yield;
          run = read;
        }
        if (this.peek() === C_RBRACKET && run === undefined) {
          this.i++;
          value = [];
        } else if (run !== undefined) {
          value = run;
        } else {
          stack.push([]);
          continue;
        }
      } else if (c === C_QUOTE) {
        value = this.string();
      } else if (c === C_t) {
        value = this.literal('true', true);
      } else if (c === C_f) {
        value = this.literal('false', false);
      } else if (c === C_n) {
        value = this.literal('null', null);
      } else {
        value = this.number();
        if (typeof value === 'number' || value instanceof JsonInt) this.countNumbers(1);
      }
      // Attach the value to its container and close every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return value; // stop when done: trailing bytes are ignored
        this.skipWs();
        const d = this.peek();
        if (d === C_COMMA && Array.isArray(top)) {
          top.push(value);
          this.i++;
          if (!this.numberRun(top)) break; // a non-number element follows: parse it generically
          if (this.peek() !== C_RBRACKET) this.fail(MSG.missCommaBracket, this.i);
          this.i++;
          value = stack.pop()!;
          continue;
        }
        if (Array.isArray(top)) {
          top.push(value);
          if (d !== C_RBRACKET) this.fail(MSG.missCommaBracket, this.i);
        } else {
          const key = keys.pop()!;
          if (!top.has(key)) top.set(key, value);
          if (d === C_COMMA) {
            this.i++;
            this.skipWs();
            keys.push(this.memberName());
            break;
          }
          if (d !== C_RBRACE) this.fail(MSG.missCommaBrace, this.i);
        }
        this.i++;
        value = stack.pop()!;
      }
    }
  }

  /**
   * The hot path of predict bodies with `numberRuns`: positioned on the first element of a list,
   * reads `number, number, …]` into a NumberRun. Returns undefined, positioned where it started,
   * when the list holds anything else (see NumberRun), so that the ordinary path reads it; a
   * malformed number throws here exactly what the ordinary path would throw, since it would have
   * read the same elements before it.
   */
  private numberRunNode(): NumberRun | typeof PAUSED | undefined {
    const s = this.s;
    const resumed = this.pending;
    this.pending = undefined;
    const start = resumed?.start ?? this.i;
    let i = resumed?.i ?? start;
    let n = resumed?.n ?? 0;
    let ints = resumed?.ints ?? 0;
    let values: Float64Array = resumed?.values ?? runValues;
    let flags: Uint8Array = resumed?.flags ?? runIntFlags;
    let untilPause = this.untilStep;
    for (;;) {
      let c = s.charCodeAt(i);
      const numberStart = i;
      const minus = c === C_MINUS;
      if (minus) c = s.charCodeAt(++i);
      if (!(c >= C_0 && c <= C_9)) break; // NaN, Infinity, or not a number
      // The first 15 digits go into `mantissa` (exact below 2^53), up to 4 more into `low`; then
      // Clinger's fast path or longDecimalToDouble, as in scanNumber. Anything else (an exponent,
      // more digits, an undecidable case, a malformed number) is left to scanNumber.
      let mantissa = 0;
      let low = 0;
      let digits = 0;
      if (c === C_0) c = s.charCodeAt(++i);
      else {
        do {
          if (digits < 15) mantissa = mantissa * 10 + (c - C_0);
          else low = low * 10 + (c - C_0);
          digits++;
          c = s.charCodeAt(++i);
        } while (c >= C_0 && c <= C_9);
      }
      let fraction = -1;
      if (c === C_DOT) {
        c = s.charCodeAt(++i);
        const from = i;
        while (c >= C_0 && c <= C_9) {
          if (digits < 15) mantissa = mantissa * 10 + (c - C_0);
          else low = low * 10 + (c - C_0);
          digits++;
          c = s.charCodeAt(++i);
        }
        fraction = i - from;
      }
      let value: number | undefined;
      let isInt = fraction < 0;
      if (fraction !== 0 && c !== C_e && c !== C_E) {
        if (digits <= 15) {
          // Both operands exact, so IEEE division rounds correctly (Clinger).
          value = isInt ? mantissa : mantissa / POW10[fraction]!;
        } else if (!isInt && digits <= 19) {
          value = longDecimalToDouble(mantissa, low, digits - 15, fraction);
        }
      }
      if (value !== undefined) {
        if (minus) value = isInt ? -value || 0 : -value;
      } else {
        this.i = numberStart;
        const kind = this.scanNumber(); // throws for a malformed number
        if (kind === OTHER) break;
        isInt = kind === INT;
        value = this.num[0]!;
        i = this.i;
      }
      if (n === values.length) {
        if (this.numbers + n > this.maxNumbers) throw new TooManyNumbersError(this.maxNumbers);
        values = growValues(values);
        flags = growFlags(flags);
      }
      values[n] = value;
      flags[n] = isInt ? 1 : 0;
      if (isInt) ints++;
      n++;
      c = s.charCodeAt(i);
      while (c === C_SPACE || c === C_LF || c === C_CR || c === C_TAB) c = s.charCodeAt(++i);
      if (c === C_RBRACKET) {
        this.i = i + 1;
        this.untilStep = untilPause - 1;
        this.countNumbers(n);
        keepScratch(values, flags);
        // A long run's buffers are its own (never kept as scratch): a view saves copying them.
        const own = values.length > KEPT_SCRATCH;
        const runFlags = ints === 0 ? undefined : own ? flags.subarray(0, n) : flags.slice(0, n);
        return new NumberRun(own ? values.subarray(0, n) : values.slice(0, n), runFlags, ints);
      }
      if (c !== C_COMMA) break;
      c = s.charCodeAt(++i);
      while (c === C_SPACE || c === C_LF || c === C_CR || c === C_TAB) c = s.charCodeAt(++i);
      if (--untilPause <= 0) {
        this.untilStep = VALUES_PER_STEP;
        // The scratch goes with this run while it waits: another parse may run meanwhile.
        if (values === runValues) {
          runValues = new Float64Array(1024);
          runIntFlags = new Uint8Array(1024);
        }
        this.pending = { start, i, n, ints, values, flags };
        return PAUSED;
      }
    }
    keepScratch(values, flags);
    this.untilStep = untilPause;
    this.i = start;
    return undefined;
  }

  /**
   * The hot path of every predict body: after a comma in an array, reads `number, number, …`
   * straight into the array. Returns false, positioned on the element, when the next element is
   * not a number; true, positioned on what follows the run (`]` when well formed), otherwise.
   */
  private numberRun(into: JsonValue[]): boolean {
    const s = this.s;
    const num = this.num;
    let untilPause = this.untilStep;
    for (;;) {
      this.skipWs();
      const c = s.charCodeAt(this.i);
      if (!((c >= C_0 && c <= C_9) || c === C_MINUS)) {
        this.untilStep = untilPause;
        return false;
      }
      // Long enough: the next element is read as any other value, after a chance to pause.
      if (--untilPause <= 0) {
        this.untilStep = 0;
        return false;
      }
      const kind = this.scanNumber();
      this.countNumbers(1);
      if (kind === FLOAT) into.push(num[0]!);
      else if (kind === INT) into.push(smallOrNewInt(num[0]!));
      else into.push(this.other!);
      this.skipWs();
      if (s.charCodeAt(this.i) !== C_COMMA) {
        this.untilStep = untilPause;
        return true;
      }
      this.i++;
    }
  }

  private countNumbers(n: number): void {
    this.numbers += n;
    if (this.numbers > this.maxNumbers) throw new TooManyNumbersError(this.maxNumbers);
  }

  private peek(): number {
    return this.i < this.end ? this.s.charCodeAt(this.i) : -1;
  }

  private skipWs(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === C_SPACE || c === C_LF || c === C_CR || c === C_TAB) i++;
      else break;
    }
    this.i = i;
  }

  /** `"name"` then `:`; positioned on the opening quote. */
  private memberName(): string {
    if (this.peek() !== C_QUOTE) this.fail(MSG.missName, this.i);
    const name = this.string();
    this.skipWs();
    if (this.peek() !== C_COLON) this.fail(MSG.missColon, this.i);
    this.i++;
    return name;
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    // RapidJSON reports the offset of the first character that does not match.
    for (let k = 0; k < word.length; k++) {
      if (this.peek() !== word.charCodeAt(k)) this.fail(MSG.invalid, this.i);
      this.i++;
    }
    return value;
  }

  private string(): string {
    const s = this.s;
    const start = ++this.i;
    // Fast path: no escapes and no control characters.
    let i = start;
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === C_QUOTE) {
        this.i = i + 1;
        return s.slice(start, i);
      }
      if (c === C_BACKSLASH || c < 0x20) break;
    }
    let out = s.slice(start, i);
    for (;;) {
      if (i >= this.end) this.fail(MSG.missQuote, i);
      const c = s.charCodeAt(i);
      if (c === C_QUOTE) {
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail(MSG.badEscape, i);
      if (c !== C_BACKSLASH) {
        out += s[i];
        i++;
        continue;
      }
      const escapeAt = i;
      const e = i + 1 < this.end ? s.charCodeAt(i + 1) : -1;
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 0x75 /* u */) {
        let code = this.hex4(i + 2, escapeAt);
        i += 6;
        if (code >= 0xd800 && code <= 0xdbff) {
          if (s.charCodeAt(i) !== C_BACKSLASH || s.charCodeAt(i + 1) !== 0x75 || i + 1 >= this.end) {
            this.fail(MSG.badSurrogate, escapeAt);
          }
          const low = this.hex4(i + 2, escapeAt);
          if (low < 0xdc00 || low > 0xdfff) this.fail(MSG.badSurrogate, escapeAt);
          i += 6;
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        }
        out += String.fromCodePoint(code);
      } else {
        this.fail(MSG.badEscape, escapeAt);
      }
    }
  }

  private hex4(at: number, escapeAt: number): number {
    let code = 0;
    for (let k = 0; k < 4; k++) {
      const c = at + k < this.end ? this.s.charCodeAt(at + k) : -1;
      let v: number;
      if (c >= C_0 && c <= C_9) v = c - C_0;
      else if (c >= 65 && c <= 70) v = c - 55;
      else if (c >= 97 && c <= 102) v = c - 87;
      else return this.fail(MSG.badHex, escapeAt);
      code = code * 16 + v;
    }
    return code;
  }

  private number(): number | JsonInt {
    const kind = this.scanNumber();
    if (kind === FLOAT) return this.num[0]!;
    if (kind === INT) return smallOrNewInt(this.num[0]!);
    return this.other as number | JsonInt;
  }

  /**
   * Reads a number. Its value lands in `num[0]` (FLOAT: a float literal or token; INT: an integer
   * literal that is a safe integer) or in `other` (OTHER: a JsonInt beyond 2^53, or a double from
   * an integer beyond the uint64 range), so that hot loops store doubles without boxing them.
   */
  private scanNumber(): number {
    // Reads past the end see NaN, which fails every digit test (see the constructor).
    const s = this.s;
    const start = this.i;
    let i = start;
    const minus = s.charCodeAt(i) === C_MINUS;
    if (minus) i++;
    let c = s.charCodeAt(i);
    if (c === C_N || c === C_I) {
      this.i = i;
      this.num[0] = this.nonFinite(minus);
      return FLOAT;
    }
    if (!(c >= C_0 && c <= C_9)) this.fail(MSG.invalid, i);
    // Digits go into `mantissa` while it stays exact (< 2^53), then up to four more into `low`.
    let mantissa = 0;
    let low = 0;
    let lowDigits = 0;
    if (c === C_0) {
      c = s.charCodeAt(++i);
    } else {
      while (c >= C_0 && c <= C_9) {
        if (mantissa < MANTISSA_LIMIT) mantissa = mantissa * 10 + (c - C_0);
        else {
          low = low * 10 + (c - C_0);
          lowDigits++;
        }
        c = s.charCodeAt(++i);
      }
    }
    let isInt = true;
    let exp10 = 0;
    if (c === C_DOT) {
      isInt = false;
      c = s.charCodeAt(++i);
      if (!(c >= C_0 && c <= C_9)) this.fail(MSG.missFraction, i);
      while (c >= C_0 && c <= C_9) {
        if (mantissa < MANTISSA_LIMIT) mantissa = mantissa * 10 + (c - C_0);
        else {
          low = low * 10 + (c - C_0);
          lowDigits++;
        }
        exp10--;
        c = s.charCodeAt(++i);
      }
    }
    if (c === C_e || c === C_E) {
      isInt = false;
      c = s.charCodeAt(++i);
      let expMinus = false;
      if (c === C_PLUS || c === C_MINUS) {
        expMinus = c === C_MINUS;
        c = s.charCodeAt(++i);
      }
      if (!(c >= C_0 && c <= C_9)) this.fail(MSG.missExponent, i);
      let e = 0;
      while (c >= C_0 && c <= C_9) {
        if (e < 1e8) e = e * 10 + (c - C_0);
        c = s.charCodeAt(++i);
      }
      exp10 += expMinus ? -e : e;
    }
    this.i = i;
    if (isInt) {
      if (lowDigits === 0) {
        this.num[0] = minus ? -mantissa || 0 : mantissa;
        return INT;
      }
      this.other = this.integer(start, i);
      return OTHER;
    }
    let value: number | undefined;
    if (lowDigits === 0 && exp10 >= -22 && exp10 <= 22) {
      // Both operands exact, so IEEE division/multiplication rounds correctly (Clinger).
      value = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!;
    } else {
      value = longDecimalToDouble(mantissa, low, lowDigits, -exp10);
    }
    if (value === undefined) value = Number(s.slice(start, i));
    else if (minus) value = -value;
    if (!Number.isFinite(value)) this.fail(MSG.tooBig, start);
    this.num[0] = value;
    return FLOAT;
  }

  /** An integer literal whose digits did not all fit scanNumber's exact mantissa (16 digits or more). */
  private integer(start: number, end: number): JsonInt | number {
    const text = this.s.slice(start, end);
    const big = BigInt(text);
    // RapidJSON keeps integers in [-2^63, 2^64-1] exact and turns larger ones into doubles.
    if (big < INT64_MIN || big > UINT64_MAX) {
      const value = Number(text);
      if (!Number.isFinite(value)) this.fail(MSG.tooBig, start);
      return value;
    }
    const value = Number(big);
    return Number.isSafeInteger(value) ? new JsonInt(value) : new JsonInt(value, big.toString());
  }

  /** `NaN`, `Inf`, `Infinity` after an optional minus; RapidJSON ignores the sign of NaN. */
  private nonFinite(minus: boolean): number {
    const s = this.s;
    if (s.charCodeAt(this.i) === C_N) {
      this.i++;
      if (this.peek() === C_a) {
        this.i++;
        if (this.peek() === C_N) {
          this.i++;
          return NaN;
        }
      }
      return this.fail(MSG.invalid, this.i);
    }
    this.i++; // 'I'
    if (this.peek() !== C_n) this.fail(MSG.invalid, this.i);
    this.i++;
    if (this.peek() !== C_f) this.fail(MSG.invalid, this.i);
    this.i++;
    if (this.peek() === C_i) {
      for (const ch of [C_i, C_n, C_i, C_t, C_y]) {
        if (this.peek() !== ch) this.fail(MSG.invalid, this.i);
        this.i++;
      }
    }
    return minus ? -Infinity : Infinity;
  }

  /** Throws with RapidJSON's byte offset (the body was UTF-8, `at` counts UTF-16 code units). */
  private fail(reason: string, at: number): never {
    throw new JsonParseError(reason, utf8Length(this.s, Math.min(at, this.s.length)));
  }
}

function growValues(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function growFlags(a: Uint8Array): Uint8Array {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}

function utf8Length(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
