// Value parsing shared by every reader: one grammar per type, one-line errors naming the source.
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from '../../functions/options/option-spec.ts';
import { OptionError, parseValue } from '../../functions/options/parse-value.ts';

const spec = (type: OptionSpec['type'], choices?: readonly string[]): OptionSpec => ({
  key: 'x', type, choices, platforms: ['node'], help: '', section: 'Server',
});

describe('parseValue', () => {
  it('booleans accept true, false, 1 and 0 (any case, spaces around)', () => {
    for (const raw of ['true', 'TRUE', '1', ' true ']) expect(parseValue(spec('boolean'), 'X', raw)).toBe(true);
    for (const raw of ['false', 'False', '0']) expect(parseValue(spec('boolean'), 'X', raw)).toBe(false);
  });

  it('integers are non-negative digits, safe', () => {
    expect(parseValue(spec('integer'), 'X', '0')).toBe(0);
    expect(parseValue(spec('integer'), 'X', '120000')).toBe(120_000);
    for (const raw of ['-1', '1.5', '1e3', '0x10', 'ten', '', '99999999999999999999']) {
      expect(() => parseValue(spec('integer'), '--threads', raw)).toThrow(OptionError);
    }
  });

  it('rates are numbers from 0 to 1', () => {
    expect(parseValue(spec('rate'), 'X', '0.01')).toBe(0.01);
    expect(parseValue(spec('rate'), 'X', '1')).toBe(1);
    for (const raw of ['1.5', '-0.1', 'half', ' ']) expect(() => parseValue(spec('rate'), 'X', raw)).toThrow(OptionError);
  });

  it('lists are comma-separated, trimmed, without empty items', () => {
    expect(parseValue(spec('list'), 'X', ' webgpu, cuda,,cpu ')).toEqual(['webgpu', 'cuda', 'cpu']);
    expect(parseValue(spec('list'), 'X', ',')).toEqual([]);
  });

  it('enums take one of their choices', () => {
    expect(parseValue(spec('enum', ['ort-node', 'ort-web']), 'X', 'ort-web')).toBe('ort-web');
    expect(() => parseValue(spec('enum', ['ort-node', 'ort-web']), '--backend', 'tf')).toThrow(
      '--backend must be one of ort-node, ort-web, got "tf"',
    );
  });

  it('strings are taken as they are', () => {
    expect(parseValue(spec('string'), 'X', ' a b ')).toBe(' a b ');
  });

  it('errors are one line that names the flag or variable and quotes the value', () => {
    const cases: [OptionSpec['type'], string, string][] = [
      ['boolean', 'EDGESERVE_WARMUP', 'EDGESERVE_WARMUP must be true, false, 1 or 0, got "yes"'],
      ['integer', '--rest_api_port', '--rest_api_port must be a non-negative integer, got "yes"'],
      ['rate', 'EDGESERVE_LOG_REQUEST_BODIES', 'EDGESERVE_LOG_REQUEST_BODIES must be a number from 0 to 1, got "yes"'],
    ];
    for (const [type, name, message] of cases) expect(() => parseValue(spec(type), name, 'yes')).toThrow(message);
    try {
      parseValue(spec('integer'), 'EDGESERVE_PORT', '80\n81');
    } catch (e) {
      expect((e as Error).message).toBe('EDGESERVE_PORT must be a non-negative integer, got "80\\n81"');
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
