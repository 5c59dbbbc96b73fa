// One option value, from its text (a flag's argument or a variable), by the option's type. Every
// reader uses this, so `1` and `true` mean the same on the command line, in Workers vars and in
// the Lambda environment. Errors are one line naming where the value came from.
import type { OptionSpec, Value } from './option-spec.ts';

/** A bad option value or an unknown option: its message is one line, fit to print as it is. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
}

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/**
 * `name` is how the user wrote the option (`--rest_api_port`, `EDGESERVE_PORT`): the error says
 * that, never the internal key. The raw value is quoted as JSON so the message stays one line.
 */
export function parseValue(option: OptionSpec, name: string, raw: string): Value {
  const bad = (expected: string): never => {
    throw new OptionError(`${name} must be ${expected}, got ${JSON.stringify(raw)}`);
  };
  switch (option.type) {
    case 'string':
      return raw;
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      return bad('true, false, 1 or 0');
    }
    case 'integer': {
      const v = raw.trim();
      const n = Number(v);
      // Digits only: Number() would also take "1e3", "0x10" and "", which no one means as a count.
      if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) return bad('a non-negative integer');
      return n;
    }
    case 'rate': {
      const v = raw.trim();
      const n = Number(v);
      if (v === '' || !(n >= 0 && n <= 1)) return bad('a number from 0 to 1');
      return n;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'enum': {
      const choices = option.choices ?? [];
      const v = raw.trim();
      if (!choices.includes(v)) return bad(`one of ${choices.join(', ')}`);
      return v;
    }
  }
}
