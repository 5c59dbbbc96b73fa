// The JSON document model of the REST layer. It keeps what JSON.parse throws away and TF Serving
// depends on: whether a number was written as an integer literal (`1` is int64-compatible, `1.0`
// is not), the exact digits of integers beyond 2^53, duplicate-key precedence (first wins), and
// the bare NaN/Infinity tokens (plain JS numbers here).

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

/** A float literal or a NaN/Infinity token is a plain `number`; an integer literal is a `JsonInt`. */
export type JsonValue = null | boolean | number | JsonInt | string | JsonValue[] | JsonObject;

export function isJsonObject(v: JsonValue): v is JsonObject {
  return v instanceof Map;
}

/** RapidJSON's value type name, as TF Serving's `Type: …` error texts show it. */
export function jsonTypeName(v: JsonValue): string {
  if (v === null) return 'Null';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Map) return 'Object';
  return 'Number';
}

/** `{"b64": "<string>"}` and nothing else: TF Serving's binary string encoding. */
export function b64Payload(v: JsonValue): string | undefined {
  if (!(v instanceof Map) || v.size !== 1) return undefined;
  const payload = v.get('b64');
  return typeof payload === 'string' ? payload : undefined;
}
