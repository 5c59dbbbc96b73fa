// The JSON document model of the REST layer. It keeps what JSON.parse throws away and TF Serving
// depends on: whether a number was written as an integer literal (`1` is int64-compatible, `1.0`
// is not), the exact digits of integers beyond 2^53, duplicate-key precedence (first wins), and
// the bare NaN/Infinity tokens (plain JS numbers here). Number lists of predict bodies may come as
// NumberRun (see there).

/** An integer literal. `text` holds its digits when `value` cannot represent it exactly. */
export class JsonInt {
  constructor(
    readonly value: number,
    readonly text?: string,
  ) {}

  toBigInt(): bigint {
    return this.text === undefined ? BigInt(this.value) : BigInt(this.text);
  }

  toString(): string {
    return this.text ?? String(this.value);
  }
}

/** Object members in document order; a repeated key keeps its first value, as RapidJSON's FindMember does. */
export type JsonObject = Map<string, JsonValue>;

/**
 * An array made only of plain numbers, kept as doubles instead of one JsonValue per element, so
 * that a predict body's tensor data costs one Float64Array per innermost list and is copied into
 * its tensor in one loop. Only the predict codec reads these: parseJson makes them only when asked
 * (`{ numberRuns: true }`). Plain means: finite float literals and integer literals below 2^53 (exact
 * as doubles, so int64 inputs lose nothing); a list with anything else (NaN/Infinity, longer integers, strings,
 * lists, objects) is an ordinary array.
 */
export class NumberRun {
  constructor(
    readonly values: Float64Array,
    /** 1 where the element was an integer literal; undefined when none was. */
    readonly intFlags: Uint8Array | undefined,
    /** How many elements were integer literals. */
    readonly intCount: number,
  ) {}

  get length(): number {
    return this.values.length;
  }

  isInt(k: number): boolean {
    return this.intFlags !== undefined && this.intFlags[k] === 1;
  }

  /** Element k as the ordinary parse would have made it. */
  at(k: number): number | JsonInt {
    const v = this.values[k]!;
    return this.isInt(k) ? new JsonInt(v) : v;
  }

  toArray(): JsonValue[] {
    return Array.from({ length: this.values.length }, (_, k) => this.at(k));
  }
}

/** A float literal or a NaN/Infinity token is a plain `number`; an integer literal is a `JsonInt`. */
export type JsonValue = null | boolean | number | JsonInt | string | JsonValue[] | JsonObject | NumberRun;

export function isJsonObject(v: JsonValue): v is JsonObject {
  return v instanceof Map;
}

/** An array, or a NumberRun as the ordinary array it stands for. */
export function asJsonArray(v: JsonValue): JsonValue[] | undefined {
  return Array.isArray(v) ? v : v instanceof NumberRun ? v.toArray() : undefined;
}

/** RapidJSON's value type name, as TF Serving's `Type: …` error texts show it. */
export function jsonTypeName(v: JsonValue): string {
  if (v === null) return 'Null';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v) || v instanceof NumberRun) return 'Array';
  if (v instanceof Map) return 'Object';
  return 'Number';
}

/** `{"b64": "<string>"}` and nothing else: TF Serving's binary string encoding. */
export function b64Payload(v: JsonValue): string | undefined {
  if (!(v instanceof Map) || v.size !== 1) return undefined;
  const payload = v.get('b64');
  return typeof payload === 'string' ? payload : undefined;
}
