// PrettyByteWriter must write what the PrettyWriter model writes for any well-formed sequence of
// calls, with numbers() equal to that many single values, and the single-line option flipped at any
// point (RapidJSON reads it per token, which is how `[3.5, 4.0\n    ]` arises).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../functions/util/json/byte-sink.ts';
import { PrettyByteWriter } from '../../functions/util/json/pretty-byte-writer.ts';
import { writeDecimal } from '../../functions/util/json/decimal.ts';
import { PrettyWriter } from '../../functions/util/json/pretty-writer.ts';
import { jsonishString } from '../support/response-arbitraries.ts';

const never = (): never => {
  throw new Error('no cap was set');
};

/** Plays `choices` on both writers: each picks one of the calls valid in the current state. */
function play(choices: readonly number[], texts: readonly string[], values: Float32Array): { model: string; bytes: string } {
  const model = new PrettyWriter();
  const sink = new ByteSink(Infinity, never, 64);
  const bytes = new PrettyByteWriter(sink);
  const stack: ('array' | 'object-key' | 'object-value')[] = [];
  let text = 0;
  let value = 0;
  const nextText = () => texts[text++ % texts.length]!;
  const both = (f: (w: PrettyWriter | PrettyByteWriter) => void) => {
    f(model);
    f(bytes);
  };
  const valueWritten = () => {
    if (stack[stack.length - 1] === 'object-value') stack[stack.length - 1] = 'object-key';
  };
  both((w) => w.startObject());
  stack.push('object-key');
  for (const c of choices) {
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    if (c % 10 === 9) {
      const on = !model.singleLineArrays;
      both((w) => (w.singleLineArrays = on));
      continue;
    }
    if (top === 'object-key') {
      if (c % 3 === 0 && stack.length > 1) {
        both((w) => w.endObject());
        stack.pop();
        valueWritten();
      } else {
        const k = nextText();
        both((w) => w.key(k));
        stack[stack.length - 1] = 'object-value';
      }
      continue;
    }
    switch (c % 6) {
      case 0:
        both((w) => w.startArray());
        stack.push('array');
        continue;
      case 1:
        both((w) => w.startObject());
        stack.push('object-key');
        continue;
      case 2: {
        const s = nextText();
        both((w) => w.string(s));
        break;
      }
      case 3: {
        if (top === 'array') {
          // A run of numbers: one call here, one raw token each in the model.
          const count = c % 4;
          for (let i = 0; i < count; i++) model.raw(writeDecimal(values[(value + i) % values.length]!, true));
          const start = value % values.length;
          bytes.numbers('float32', values, start, Math.min(count, values.length - start));
          for (let i = Math.min(count, values.length - start); i < count; i++) bytes.number('float32', values, (start + i) % values.length);
          value += count;
        } else {
          model.raw(writeDecimal(values[value % values.length]!, true));
          bytes.number('float32', values, value++ % values.length);
        }
        break;
      }
      case 4:
        both((w) => w.raw('true'));
        break;
      default:
        if (top === 'array') {
          both((w) => w.endArray());
          stack.pop();
        } else {
          both((w) => w.raw('null'));
        }
    }
    valueWritten();
  }
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top === 'array') both((w) => w.endArray());
    else {
      if (top === 'object-value') both((w) => w.raw('null'));
      both((w) => w.endObject());
    }
    valueWritten();
  }
  return { model: model.toString(), bytes: sink.finish() };
}

describe('PrettyByteWriter = PrettyWriter', () => {
  it('on random call sequences, single-line flips and number runs included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(jsonishString, { minLength: 1, maxLength: 5 }),
        fc.array(fc.float(), { minLength: 1, maxLength: 8 }).map((vs) => Float32Array.from(vs)),
        (choices, texts, values) => {
          const { model, bytes } = play(choices, texts, values);
          expect(bytes).toBe(model);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
