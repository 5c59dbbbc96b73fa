// The nesting limit of parseJson (issue #13): MAX_JSON_DEPTH levels of arrays and objects parse, one
// more fails at the bracket that goes too deep; RapidJSON itself has no limit (see parse.ts), and a
// client sees the usual `JSON Parse error: … at offset: N`.
import { describe, expect, it } from 'vitest';
import { createEdgeserve } from '../../functions/app.ts';
import { JsonParseError, MAX_JSON_DEPTH, parseJson } from '../../functions/util/json/parse.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

const TOO_DEEP = 'Nesting is deeper than 512 levels.';

const arrays = (depth: number, inner = '') => '['.repeat(depth) + inner + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

function parseError(text: string, ...rest: [number?, { numberRuns?: boolean }?]): { reason: string; offset: number } | 'parsed' {
  try {
    parseJson(text, ...rest);
    return 'parsed';
  } catch (e) {
    if (e instanceof JsonParseError) return { reason: e.reason, offset: e.offset };
    throw e;
  }
}

describe('JSON nesting limit', () => {
  it('is 512 levels', () => {
    expect(MAX_JSON_DEPTH).toBe(512);
  });

  for (const numberRuns of [false, true]) {
    it(`arrays: 511 and 512 levels parse, 513 fail at the 513th bracket (numberRuns: ${numberRuns})`, () => {
      const o = { numberRuns };
      expect(parseError(arrays(511), undefined, o)).toBe('parsed');
      expect(parseError(arrays(512), undefined, o)).toBe('parsed');
      expect(parseError(arrays(512, '1.5, 2'), undefined, o)).toBe('parsed');
      expect(parseError(arrays(513), undefined, o)).toEqual({ reason: TOO_DEEP, offset: 512 });
      expect(parseError(arrays(513, '1.5, 2'), undefined, o)).toEqual({ reason: TOO_DEEP, offset: 512 });
    });
  }

  it('objects: 511 and 512 levels parse, 513 fail at the 513th brace', () => {
    expect(parseError(objects(511))).toBe('parsed');
    expect(parseError(objects(512))).toBe('parsed');
    const deep = objects(513);
    expect(parseError(deep)).toEqual({ reason: TOO_DEEP, offset: deep.indexOf('{}') });
    expect(deep.indexOf('{}')).toBe(512 * '{"a":'.length);
  });

  it('counts arrays and objects together, and only open ones', () => {
    const mixed = '{"a":['.repeat(256) + '1' + ']}'.repeat(256); // 512 levels
    expect(parseError(mixed)).toBe('parsed');
    expect(parseError('{"a":['.repeat(256) + '[1]' + ']}'.repeat(256))).toEqual({ reason: TOO_DEEP, offset: 256 * 6 });
    // Siblings do not add up: 1000 lists of depth 2 are fine.
    expect(parseError(`[${Array(1000).fill('[[1]]').join(',')}]`)).toBe('parsed');
  });

  it('reports the offset in UTF-8 bytes, like every parse error', () => {
    const text = '["é",' + '['.repeat(512) + ']'.repeat(512) + ']';
    expect(parseError(text)).toEqual({ reason: TOO_DEEP, offset: 5 + 1 + 511 });
  });

  it('takes another limit, or none', () => {
    expect(parseError(arrays(3), 2)).toEqual({ reason: 'Nesting is deeper than 2 levels.', offset: 2 });
    expect(parseError(arrays(100_000), Infinity)).toBe('parsed');
  });

  it('reaches the client as a JSON parse error', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { echo: { 1: {} } });
    const es = createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger });
    const body = `{"instances": ${arrays(600, '1')}}`;
    const bytes = new TextEncoder().encode(body);
    const r = await es.handle({
      method: 'POST',
      pathAndQuery: '/v1/models/echo:predict',
      header: () => null,
      readBody: async () => bytes,
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body!)).toEqual({ error: `JSON Parse error: ${TOO_DEEP} at offset: ${'{"instances": '.length + 511}` });
  });
});
