// The RapidJSON-compatible JSON layer: parseJson (contract §6.1, §6.6, §2.3 parse errors), the
// number formatting of decimal.ts (§6.3 WriteDecimal, RapidJSON's Writer::Double), the error echo
// jsonDebugString (§2.3 `<doc>`), and PrettyWriter's string escaping (§2.1).
import { describe, expect, it } from 'vitest';
import { jsonDebugString } from '../../functions/util/json/debug-string.ts';
import { formatG, rapidJsonDouble, writeDecimal } from '../../functions/util/json/decimal.ts';
import { JsonParseError, parseJson } from '../../functions/util/json/parse.ts';
import { PrettyWriter, quoteJsonString } from '../../functions/util/json/pretty-writer.ts';
import { JsonInt, type JsonValue } from '../../functions/util/json/value.ts';

function parseError(text: string, maxDepth?: number): JsonParseError {
  try {
    parseJson(text, maxDepth);
  } catch (e) {
    if (e instanceof JsonParseError) return e;
    throw e;
  }
  throw new Error(`parsed: ${JSON.stringify(text)}`);
}

function expectParseError(text: string, reason: string, offset: number, maxDepth?: number): void {
  const e = parseError(text, maxDepth);
  expect({ reason: e.reason, offset: e.offset }).toEqual({ reason, offset });
  expect(e.message).toBe(`${reason} at offset: ${offset}`);
}

const INVALID = 'Invalid value.';
const EMPTY = 'The document is empty.';
const MISS_NAME = 'Missing a name for object member.';
const MISS_COLON = 'Missing a colon after a name of object member.';
const MISS_BRACE = "Missing a comma or '}' after an object member.";
const MISS_BRACKET = "Missing a comma or ']' after an array element.";
const BAD_HEX = 'Incorrect hex digit after \\u escape in string.';
const BAD_SURROGATE = 'The surrogate pair in string is invalid.';
const BAD_ESCAPE = 'Invalid escape character in string.';
const MISS_QUOTE = 'Missing a closing quotation mark in string.';
const TOO_BIG = 'Number too big to be stored in double.';
const MISS_FRACTION = 'Miss fraction part in number.';
const MISS_EXPONENT = 'Miss exponent in number.';

function asInt(v: JsonValue): JsonInt {
  expect(v).toBeInstanceOf(JsonInt);
  return v as JsonInt;
}

describe('parseJson: RapidJSON error texts and offsets', () => {
  it('reproduces the observed table (contract §6.6) and the upstream-tested body', () => {
    expectParseError('{"instances": [1,]}', INVALID, 17);
    expectParseError('{"a": 01}', MISS_BRACE, 7);
    expectParseError("{'a': 1}", MISS_NAME, 1);
    expectParseError('instances = [1, 2]', INVALID, 0);
  });

  it('empty and whitespace-only documents', () => {
    expectParseError('', EMPTY, 0);
    expectParseError(' ', EMPTY, 1);
    expectParseError(' \n\t\r  ', EMPTY, 6);
    // RapidJSON's start state has no transition on these tokens and reports its own error.
    expectParseError(']', EMPTY, 0);
    expectParseError('  }', EMPTY, 2);
    expectParseError(',1', EMPTY, 0);
    expectParseError(':', EMPTY, 0);
  });

  it('only space, tab, LF and CR are whitespace', () => {
    expectParseError('\f1', INVALID, 0);
    expectParseError('\v1', INVALID, 0);
    expectParseError('\u00a01', INVALID, 0);
    expectParseError('\ufeff{}', INVALID, 0);
  });

  it('structural errors report the state the parser was in', () => {
    expectParseError('[', INVALID, 1);
    expectParseError('[,1]', INVALID, 1);
    expectParseError('[}', INVALID, 1);
    expectParseError('[1', MISS_BRACKET, 2);
    expectParseError('[1 2]', MISS_BRACKET, 3);
    expectParseError('[1}', MISS_BRACKET, 2);
    expectParseError('[1,,2]', INVALID, 3);
    expectParseError('[1, ]', INVALID, 4);
    expectParseError('{', MISS_NAME, 1);
    expectParseError('{,}', MISS_NAME, 1);
    expectParseError('{]', MISS_NAME, 1);
    expectParseError('{1:2}', MISS_NAME, 1);
    expectParseError('{"a":1,}', MISS_NAME, 7);
    expectParseError('{"a":1, }', MISS_NAME, 8);
    expectParseError('{"a"', MISS_COLON, 4);
    expectParseError('{"a" 1}', MISS_COLON, 5);
    expectParseError('{"a",1}', MISS_COLON, 4);
    expectParseError('{"a":', INVALID, 5);
    expectParseError('{"a":}', INVALID, 5);
    expectParseError('{"a": ]', INVALID, 6);
    expectParseError('{"a":1', MISS_BRACE, 6);
    expectParseError('{"a":1 "b":2}', MISS_BRACE, 7);
    expectParseError('{"a":1]', MISS_BRACE, 6);
    expectParseError('[[1], [2}', MISS_BRACKET, 8);
  });

  it('literals fail at the first character that does not match', () => {
    expectParseError('tru', INVALID, 3);
    expectParseError('trUe', INVALID, 2);
    expectParseError('nul', INVALID, 3);
    expectParseError('[falsy]', INVALID, 5);
    expectParseError('[True]', INVALID, 1);
    expectParseError('undefined', INVALID, 0);
  });

  it('numbers: missing digits', () => {
    expectParseError('1.', MISS_FRACTION, 2);
    expectParseError('[1.]', MISS_FRACTION, 3);
    expectParseError('-1.e5', MISS_FRACTION, 3);
    expectParseError('1e', MISS_EXPONENT, 2);
    expectParseError('1e+', MISS_EXPONENT, 3);
    expectParseError('1E-x', MISS_EXPONENT, 3);
    expectParseError('[1.5e]', MISS_EXPONENT, 5);
    expectParseError('-', INVALID, 1);
    expectParseError('--1', INVALID, 1);
    expectParseError('-x', INVALID, 1);
    expectParseError('.5', INVALID, 0);
    expectParseError('+1', INVALID, 0);
    expectParseError('[0x10]', MISS_BRACKET, 2);
  });

  it('numbers: too big for a double, at the offset where the number starts', () => {
    expectParseError('1e309', TOO_BIG, 0);
    expectParseError('[1, -1e400]', TOO_BIG, 4);
    expectParseError(`[${'9'.repeat(400)}]`, TOO_BIG, 1);
    expectParseError(`{"é": ${'9'.repeat(400)}.5}`, TOO_BIG, 7);
  });

  it('strings: escapes and control characters', () => {
    expectParseError('"\\x"', BAD_ESCAPE, 1);
    expectParseError('["ab\\q"]', BAD_ESCAPE, 4);
    expectParseError('"\\U0041"', BAD_ESCAPE, 1);
    expectParseError('"\\\'"', BAD_ESCAPE, 1);
    expectParseError('"a\tb"', BAD_ESCAPE, 2);
    expectParseError('"a\nb"', BAD_ESCAPE, 2);
    expectParseError('"\u001f"', BAD_ESCAPE, 1);
  });

  it('strings: unterminated', () => {
    expectParseError('"abc', MISS_QUOTE, 4);
    expectParseError('{"a', MISS_QUOTE, 3);
    expectParseError('"ab\\"', MISS_QUOTE, 5);
    expectParseError('["x", "y', MISS_QUOTE, 8);
    expectParseError('"\\', BAD_ESCAPE, 1);
  });

  it('strings: bad \\u hex digits, at the offset of the backslash', () => {
    expectParseError('"\\u12G4"', BAD_HEX, 1);
    expectParseError('"ab\\u00"', BAD_HEX, 3);
    expectParseError('"\\u"', BAD_HEX, 1);
    expectParseError('"\\u123', BAD_HEX, 1);
    expectParseError('"\\uD83D\\uZZZZ"', BAD_HEX, 1);
  });

  it('strings: surrogate pairs', () => {
    expect(parseJson('"\\uD83D\\uDE00"')).toBe('😀');
    expect(parseJson('"\\ud83d\\ude00x"')).toBe('😀x');
    expectParseError('"\\uD83D"', BAD_SURROGATE, 1);
    expectParseError('"\\uD83Dx"', BAD_SURROGATE, 1);
    expectParseError('"a\\uD83D\\u0041"', BAD_SURROGATE, 2);
    expectParseError('"\\uDBFF\\uE000"', BAD_SURROGATE, 1);
    expectParseError('"\\uD800\\n"', BAD_SURROGATE, 1);
    expectParseError('"\\uD800', BAD_SURROGATE, 1);
    // A lone low surrogate is written through, as RapidJSON encodes it without validation.
    expect(parseJson('"\\uDC00"')).toBe('\uDC00');
  });

  it('offsets count UTF-8 bytes, not UTF-16 code units', () => {
    expectParseError('{"é": 1,}', MISS_NAME, 9);
    expectParseError('["😀" x]', MISS_BRACKET, 8);
    expectParseError('"日本', MISS_QUOTE, 7);
    expectParseError('["ü", "€", 😀]', INVALID, 14);
    expectParseError('   ', EMPTY, 3);
  });

  it('a NUL character ends the input, like the end of RapidJSON\'s string stream', () => {
    expect(parseJson('[1]\0garbage')).toEqual([new JsonInt(1)]);
    expectParseError('[1\0]', MISS_BRACKET, 2);
    expectParseError('"a\0b"', MISS_QUOTE, 2);
    expectParseError('\0{}', EMPTY, 0);
  });

  it('throws only JsonParseError', () => {
    expect(() => parseJson('{')).toThrow(JsonParseError);
    expect(parseError('[')).toBeInstanceOf(Error);
  });
});

describe('parseJson: values', () => {
  it('decodes every escape', () => {
    expect(parseJson('"\\"\\\\\\/\\b\\f\\n\\r\\t"')).toBe('"\\/\b\f\n\r\t');
    expect(parseJson('"\\u00e9\\u00E9\\u0000"')).toBe('éé\0');
    expect(parseJson('"raw é 😀 \u007f"')).toBe('raw é 😀 \u007f');
  });

  it('accepts the non-finite tokens, case-sensitively', () => {
    const v = parseJson('[NaN, Inf, Infinity, -Inf, -Infinity, -NaN]') as number[];
    expect(v).toHaveLength(6);
    expect(v[0]).toBeNaN();
    expect(v[1]).toBe(Infinity);
    expect(v[2]).toBe(Infinity);
    expect(v[3]).toBe(-Infinity);
    expect(v[4]).toBe(-Infinity);
    expect(v[5]).toBeNaN();
    expect(parseJson('NaN')).toBeNaN();
    expect(parseJson('-Infinity')).toBe(-Infinity);
    expect(parseJson('{"x": Inf}')).toEqual(new Map([['x', Infinity]]));
  });

  it('rejects nan, Nan, infinity and truncated tokens', () => {
    expectParseError('nan', INVALID, 1);
    expectParseError('[Nan]', INVALID, 3);
    expectParseError('Nan', INVALID, 2);
    expectParseError('infinity', INVALID, 0);
    expectParseError('-nan', INVALID, 1);
    expectParseError('-infinity', INVALID, 1);
    expectParseError('INF', INVALID, 1);
    expectParseError('Infinit', INVALID, 7);
    expectParseError('[Infinty]', INVALID, 6);
    expectParseError('NAN', INVALID, 1);
    expectParseError('[Inf x]', MISS_BRACKET, 5);
  });

  it('keeps integer literals exact across the int64 and uint64 ranges', () => {
    const max64 = asInt(parseJson('9223372036854775807'));
    expect(max64.toBigInt()).toBe(2n ** 63n - 1n);
    expect(max64.toString()).toBe('9223372036854775807');
    expect(asInt(parseJson('-9223372036854775808')).toBigInt()).toBe(-(2n ** 63n));
    expect(asInt(parseJson('9223372036854775808')).toBigInt()).toBe(2n ** 63n);
    const maxU64 = asInt(parseJson('18446744073709551615'));
    expect(maxU64.toBigInt()).toBe(2n ** 64n - 1n);
    expect(maxU64.value).toBe(2 ** 64);
    const beyond53 = asInt(parseJson('9007199254740993'));
    expect(beyond53.toBigInt()).toBe(9007199254740993n);
    expect(beyond53.toString()).toBe('9007199254740993');
    expect(beyond53.value).toBe(9007199254740992);
    const safe = asInt(parseJson('9007199254740991'));
    expect(safe.text).toBeUndefined();
    expect(safe.value).toBe(Number.MAX_SAFE_INTEGER);
    expect(asInt(parseJson('-9007199254740992')).toBigInt()).toBe(-(2n ** 53n));
    expect(asInt(parseJson('-1')).value).toBe(-1);
  });

  it('turns integers outside [-2^63, 2^64-1] into plain doubles', () => {
    for (const text of ['18446744073709551616', '-9223372036854775809', '100000000000000000000000']) {
      const v = parseJson(text);
      expect(typeof v).toBe('number');
      expect(v).toBe(Number(text));
    }
  });

  it('distinguishes integer literals from float literals', () => {
    expect(asInt(parseJson('1')).value).toBe(1);
    expect(asInt(parseJson('0')).value).toBe(0);
    // `-0` is RapidJSON's Int(0): an integer zero without a sign.
    expect(Object.is(asInt(parseJson('-0')).value, 0)).toBe(true);
    for (const [text, value] of [
      ['1.0', 1],
      ['1e2', 100],
      ['1E2', 100],
      ['1e+2', 100],
      ['0.5', 0.5],
      ['-2.5e-3', -0.0025],
      ['10e-1', 1],
    ] as const) {
      const v = parseJson(text);
      expect(typeof v, text).toBe('number');
      expect(v, text).toBe(value);
    }
    expect(Object.is(parseJson('-0.0'), -0)).toBe(true);
    expect(Object.is(parseJson('-0e5'), -0)).toBe(true);
  });

  it('rounds decimal literals correctly', () => {
    for (const text of [
      '0.1', '3.141592653589793238462643383279', '2.2250738585072014e-308', '4.9e-324', '1e-400',
      '1.7976931348623157e308', '123456789012345678901234567890.5', '0.30000000000000004',
      '9007199254740993.0', '0.000000000000000000000000000001', '1e23', '8.98846567431158e307',
    ]) {
      expect(parseJson(text), text).toBe(Number(text));
    }
  });

  it('keeps the first of duplicate keys, and members in document order', () => {
    const v = parseJson('{"b": 1, "a": 2, "b": 3, "1": 4}') as Map<string, JsonValue>;
    expect([...v.keys()]).toEqual(['b', 'a', '1']);
    expect(asInt(v.get('b')!).value).toBe(1);
    const nested = parseJson('{"x": {"k": "first"}, "x": {"k": "second"}}') as Map<string, JsonValue>;
    expect((nested.get('x') as Map<string, JsonValue>).get('k')).toBe('first');
    const proto = parseJson('{"__proto__": 1, "constructor": 2}') as Map<string, JsonValue>;
    expect([...proto.keys()]).toEqual(['__proto__', 'constructor']);
  });

  it('ignores whatever follows the top-level value', () => {
    expect(parseJson('{"instances":[1]} junk')).toEqual(new Map([['instances', [new JsonInt(1)]]]));
    expect(parseJson('[1]]')).toEqual([new JsonInt(1)]);
    expect(asInt(parseJson('1 2')).value).toBe(1);
    expect(parseJson('"x"y')).toBe('x');
    expect(asInt(parseJson('12abc')).value).toBe(12);
    expect(parseJson('nullnull')).toBe(null);
    expect(parseJson('{}{')).toEqual(new Map());
  });

  it('parses mixed documents', () => {
    expect(parseJson(' { "a" : [ 1 , 2.5 , "s" , true , false , null , [ ] , { } ] } ')).toEqual(
      new Map([['a', [new JsonInt(1), 2.5, 's', true, false, null, [], new Map()]]]),
    );
    expect(parseJson('[-1,-2.5,-NaN,3]')).toEqual([new JsonInt(-1), -2.5, NaN, new JsonInt(3)]);
  });

  it('takes 500k levels of nesting without a RangeError, given no depth limit', () => {
    const depth = 500_000;
    let v = parseJson('['.repeat(depth) + ']'.repeat(depth), Infinity);
    let levels = 0;
    while (Array.isArray(v) && v.length > 0) {
      v = v[0]!;
      levels++;
    }
    expect(levels).toBe(depth - 1);
    expect(v).toEqual([]);

    const objects = parseJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), Infinity);
    let o: JsonValue = objects;
    let objectLevels = 0;
    while (o instanceof Map) {
      o = o.get('a')!;
      objectLevels++;
    }
    expect(objectLevels).toBe(depth);
    expect(asInt(o).value).toBe(1);

    expectParseError('['.repeat(depth), INVALID, depth, Infinity);
    expectParseError('['.repeat(depth) + ']'.repeat(depth - 1) + '}', MISS_BRACKET, 2 * depth - 1, Infinity);
  });
});

describe('writeDecimal (contract §6.3)', () => {
  const f = Math.fround;

  it('reproduces the float table', () => {
    expect(writeDecimal(f(0.2), true)).toBe('0.2');
    expect(writeDecimal(3.0, true)).toBe('3.0');
    expect(writeDecimal(12, true)).toBe('12.0');
    expect(writeDecimal(999999, true)).toBe('999999.0');
    expect(writeDecimal(9000000, true)).toBe('9e+06');
    expect(writeDecimal(f(3e-5), true)).toBe('3e-05');
    expect(writeDecimal(f(555557.5), true)).toBe('555557.5');
    expect(writeDecimal(f(1435774380), true)).toBe('1.43577434e+09');
    expect(writeDecimal(f(f(0.1) + f(0.2)), true)).toBe('0.3');
    expect(writeDecimal(-0, true)).toBe('-0.0');
  });

  it('uses max_digits10 (17) for doubles that 6 digits do not round-trip', () => {
    expect(writeDecimal(3.0, false)).toBe('3.0');
    expect(writeDecimal(0.2, false)).toBe('0.2');
    expect(writeDecimal(1 / 3, false)).toBe('0.33333333333333331');
    expect(writeDecimal(0.1 + 0.2, false)).toBe('0.30000000000000004');
    expect(writeDecimal(f(0.2), false)).toBe('0.20000000298023224');
    expect(writeDecimal(-0, false)).toBe('-0.0');
    expect(writeDecimal(1e100, false)).toBe('1e+100');
    expect(writeDecimal(1e-5, false)).toBe('1e-05');
    expect(writeDecimal(123456.5, false)).toBe('123456.5');
    expect(writeDecimal(2 ** 60, false)).toBe('1.152921504606847e+18');
    expect(writeDecimal(Number.MAX_VALUE, false)).toBe('1.7976931348623157e+308');
    expect(writeDecimal(5e-324, false)).toBe('4.94066e-324');
    expect(writeDecimal(2.5e-323, false)).toBe('2.47033e-323');
  });

  it('uses 9 digits for floats, and appends .0 only without . or e', () => {
    expect(writeDecimal(f(123456.7), true)).toBe('123456.703');
    expect(writeDecimal(100000, true)).toBe('100000.0');
    expect(writeDecimal(1000000, true)).toBe('1e+06');
    expect(writeDecimal(f(1e-10), true)).toBe('1e-10');
    expect(writeDecimal(f(3.4028234663852886e38), true)).toBe('3.40282347e+38');
    expect(writeDecimal(16777217, false)).toBe('16777217.0');
    expect(writeDecimal(f(16777217), true)).toBe('16777216.0');
  });

  it('writes non-finite values as bare tokens', () => {
    for (const float32 of [true, false]) {
      expect(writeDecimal(NaN, float32)).toBe('NaN');
      expect(writeDecimal(Infinity, float32)).toBe('Infinity');
      expect(writeDecimal(-Infinity, float32)).toBe('-Infinity');
    }
  });

  it('rounds exact ties to even like printf, not away from zero like toExponential', () => {
    expect(writeDecimal(1234567.125, true)).toBe('1234567.12');
    expect(writeDecimal(f(496.8203125), true)).toBe('496.820312');
    expect(writeDecimal(2 ** -25, false)).toBe('2.9802322387695312e-08');
    expect(writeDecimal(-949.7590637207031, false)).toBe('-949.75906372070312');
  });
});

describe('formatG (C %.Ng)', () => {
  it('switches to exponent form below 1e-4 and at 10^precision', () => {
    expect(formatG(100000, 6)).toBe('100000');
    expect(formatG(999999.4, 6)).toBe('999999');
    expect(formatG(999999.5, 6)).toBe('1e+06');
    expect(formatG(0.0001, 6)).toBe('0.0001');
    expect(formatG(0.00001, 6)).toBe('1e-05');
    expect(formatG(123.456, 6)).toBe('123.456');
    expect(formatG(-123.456, 2)).toBe('-1.2e+02');
    expect(formatG(1.5e300, 6)).toBe('1.5e+300');
    expect(formatG(1e-300, 6)).toBe('1e-300');
    expect(formatG(0, 6)).toBe('0');
    expect(formatG(-0, 6)).toBe('-0');
  });

  it('breaks exact ties to even', () => {
    expect(formatG(2.5, 1)).toBe('2');
    expect(formatG(3.5, 1)).toBe('4');
    expect(formatG(-2.5, 1)).toBe('-2');
    expect(formatG(0.125, 2)).toBe('0.12');
    expect(formatG(0.375, 2)).toBe('0.38');
    expect(formatG(1234565, 6)).toBe('1.23456e+06');
    expect(formatG(1234575, 6)).toBe('1.23458e+06');
    expect(formatG(9.5, 1)).toBe('1e+01');
    // Not a tie (0.15 is not exact in binary): plain nearest rounding.
    expect(formatG(0.15, 1)).toBe('0.1');
    expect(formatG(0.25000000000000006, 1)).toBe('0.3');
  });
});

describe('rapidJsonDouble (RapidJSON Writer::Double)', () => {
  it.each([
    [1e21, '1e21'],
    [1e20, '100000000000000000000.0'],
    [1e-7, '1e-7'],
    [1e-6, '0.000001'],
    [0.0001, '0.0001'],
    [1.0, '1.0'],
    [1.2345e25, '1.2345e25'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.5, '0.5'],
    [-1.5e-10, '-1.5e-10'],
    [123.456, '123.456'],
    [1234567.125, '1234567.125'],
    [1.7976931348623157e308, '1.7976931348623157e308'],
    [5e-324, '5e-324'],
    [1.5e300, '1.5e300'],
    [-12, '-12.0'],
  ])('%s → %s', (v, text) => {
    expect(rapidJsonDouble(v)).toBe(text);
  });

  it('refuses non-finite values', () => {
    expect(rapidJsonDouble(NaN)).toBeUndefined();
    expect(rapidJsonDouble(Infinity)).toBeUndefined();
    expect(rapidJsonDouble(-Infinity)).toBeUndefined();
  });
});

describe('jsonDebugString', () => {
  const echo = (text: string) => jsonDebugString(parseJson(text));

  it('keeps arrays on one line', () => {
    expect(echo('[1,2]')).toBe('[1, 2]');
    expect(echo('[1, [2, [3, "x"]], []]')).toBe('[1, [2, [3, "x"]], []]');
    expect(echo('[]')).toBe('[]');
    expect(echo('[0.1, 1e21, 3.0, -0.0]')).toBe('[0.1, 1e21, 3.0, -0.0]');
  });

  it('writes objects over several lines with a 4-space indent', () => {
    expect(echo('{"a":1,"b":[1,2]}')).toBe('{\n    "a": 1,\n    "b": [1, 2]\n}');
    expect(echo('{"a":{"b":"c"}}')).toBe('{\n    "a": {\n        "b": "c"\n    }\n}');
    expect(echo('{}')).toBe('{}');
    expect(echo('{"a":{}}')).toBe('{\n    "a": {}\n}');
    expect(echo('[{"a":1}]')).toBe('[{\n        "a": 1\n    }]');
    expect(echo('{"b64":"aGk="}')).toBe('{\n    "b64": "aGk="\n}');
  });

  it('echoes integers with all their digits', () => {
    expect(echo('18446744073709551615')).toBe('18446744073709551615');
    expect(echo('[-9223372036854775808]')).toBe('[-9223372036854775808]');
    expect(echo('-0')).toBe('0');
  });

  it('writes a top-level float with the WriteDecimal float rules', () => {
    expect(echo('0.1')).toBe('0.1');
    expect(echo('1.0')).toBe('1.0');
    expect(echo('1e2')).toBe('100.0');
    expect(echo('3.14159265358979')).toBe('3.14159274');
    expect(echo('-0.0')).toBe('-0.0');
    // Outside the float range it is a double.
    expect(echo('1e300')).toBe('1e+300');
    expect(echo('NaN')).toBe('NaN');
    expect(echo('-Infinity')).toBe('-Infinity');
  });

  it('writes other top-level scalars as RapidJSON does', () => {
    expect(echo('"a\\"b"')).toBe('"a\\"b"');
    expect(echo('null')).toBe('null');
    expect(echo('true')).toBe('true');
    expect(echo('false')).toBe('false');
  });

  it('stops the dump at a nested NaN or Infinity, after its separator', () => {
    expect(echo('[1.5, NaN, 2]')).toBe('[1.5, ');
    expect(echo('[NaN]')).toBe('[');
    expect(echo('{"a": 1, "b": Infinity, "c": 2}')).toBe('{\n    "a": 1,\n    "b": ');
    expect(echo('{"x": [[1, 2], [-Inf]]}')).toBe('{\n    "x": [[1, 2], [');
  });

  it('truncates long dumps after 256 characters', () => {
    const long = echo(`[${Array.from({ length: 200 }, (_, i) => i).join(',')}]`);
    const full = `[${Array.from({ length: 200 }, (_, i) => i).join(', ')}]`;
    expect(long).toBe(`${full.slice(0, 256)}...`);
    const exactly = `[${'1, '.repeat(84)}10]`;
    expect(exactly).toHaveLength(256);
    expect(jsonDebugString(parseJson(exactly))).toBe(exactly);
  });

  it('does not overflow the stack on deeply nested documents', () => {
    const depth = 500_000;
    const arrays = jsonDebugString(parseJson('['.repeat(depth) + ']'.repeat(depth), Infinity));
    expect(arrays).toBe(`${'['.repeat(256)}...`);
    const objects = jsonDebugString(parseJson('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), Infinity));
    expect(objects.endsWith('...')).toBe(true);
    expect(objects.startsWith('{\n    "a": {\n        "a": {')).toBe(true);
    expect(objects).toHaveLength(259);
  });
});

describe('PrettyWriter', () => {
  it('escapes ", \\ and control characters, uppercase \\u00XX', () => {
    expect(quoteJsonString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteJsonString('\b\f\n\r\t')).toBe('"\\b\\f\\n\\r\\t"');
    expect(quoteJsonString('\u0000\u0001\u000b\u001a\u001f')).toBe('"\\u0000\\u0001\\u000B\\u001A\\u001F"');
  });

  it('writes /, DEL and non-ASCII raw', () => {
    expect(quoteJsonString('a/b')).toBe('"a/b"');
    expect(quoteJsonString('\u007f é 😀 \u2028')).toBe('"\u007f é 😀 \u2028"');
    expect(quoteJsonString('')).toBe('""');
  });

  it('escapes keys as well as values, and every character of a string', () => {
    const w = new PrettyWriter();
    w.startObject();
    w.key('k"\n');
    w.string('\\\u0002/');
    w.endObject();
    expect(w.toString()).toBe('{\n    "k\\"\\n": "\\\\\\u0002/"\n}');
    for (let c = 0; c < 0x20; c++) {
      const s = String.fromCharCode(c);
      expect(JSON.parse(quoteJsonString(s))).toBe(s);
      expect(quoteJsonString(s)).toMatch(/^"\\(?:[bfnrt]|u00[0-9A-F]{2})"$/);
    }
  });

  it('lays out nested containers like RapidJSON', () => {
    const w = new PrettyWriter();
    w.startObject();
    w.key('a');
    w.startArray();
    w.raw('1');
    w.raw('2');
    w.endArray();
    w.key('b');
    w.startArray();
    w.endArray();
    w.key('c');
    w.startObject();
    w.endObject();
    w.endObject();
    expect(w.toString()).toBe('{\n    "a": [\n        1,\n        2\n    ],\n    "b": [],\n    "c": {}\n}');
  });
});
