// gzip mutators: valid gzip of valid bodies, truncated gzip, byte-flipped gzip, gzip of garbage,
// concatenated members, and bombs: small bodies that inflate to just under (and just over) the
// server's body limit, of whitespace, of one long number list, of deep nesting, of a long string.
import { gzipSync } from 'node:zlib';
import { urlOf, VALID_REQUESTS, type FuzzCase } from './cases.ts';
import type { Random } from './random.ts';

export function gzipCase(r: Random, bodyLimit: number): FuzzCase {
  const valid = r.pick(VALID_REQUESTS);
  const text = JSON.stringify(valid.body);
  const zipped = gzipSync(text);
  let body: Uint8Array;
  switch (r.int(0, 9)) {
    case 0: body = zipped; break;
    case 1: body = zipped.subarray(0, r.int(0, zipped.length - 1)); break;
    case 2: {
      body = zipped.slice();
      for (let i = r.int(1, 4); i > 0; i--) body[r.int(0, body.length - 1)] = r.int(0, 255);
      break;
    }
    case 3: body = gzipSync(randomBytes(r, r.size(50_000))); break;
    case 4: body = randomBytes(r, r.size(5_000)); break;
    case 5: body = Buffer.concat([zipped, r.chance(0.5) ? zipped : randomBytes(r, r.int(1, 64))]); break;
    case 6: body = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(r, r.int(0, 200))]); break;
    case 7: body = gzipSync(gzipSync(text)); break;
    default: body = bomb(r, bodyLimit);
  }
  const encoding = r.pick(['gzip', 'gzip', 'gzip', 'x-gzip', 'gzip, identity']);
  return { method: 'POST', path: urlOf(valid), headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body };
}

/** Inflates to a size around the limit (90–110 %): the decoder must refuse or finish quickly. */
function bomb(r: Random, limit: number): Uint8Array {
  const size = Math.floor(limit * (0.9 + 0.2 * r.next()));
  switch (r.int(0, 4)) {
    case 0: return gzipSync(Buffer.concat([Buffer.alloc(size - 20, ' '), Buffer.from('{"instances":[1.0]}')]));
    case 1: return gzipSync(wrapped('{"instances":[', '1,', size, '1]}'));
    case 2: return gzipSync(wrapped('{"inputs":{"image":[[', '0.5,', size, '0.5]]}}'));
    case 3: return gzipSync(wrapped('{"instances":', '[', size, ''));
    default: return gzipSync(wrapped('{"instances":["', 'a', size, '"]}'));
  }
}

/** head + unit repeated to fill `size` bytes + tail. */
function wrapped(head: string, unit: string, size: number, tail: string): Buffer {
  const count = Math.max(0, Math.floor((size - head.length - tail.length) / unit.length));
  return Buffer.from(head + unit.repeat(count) + tail);
}

function randomBytes(r: Random, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.int(0, 255);
  return out;
}

