// Header mutators on valid requests: content-type, content-length lies (node's client sends a
// shorter length than the body; a longer one would only make the server wait for bytes that never
// come, which is HTTP, not a defect), content-encoding, x-request-id, traceparent, the routing
// headers of the fuzz config (sticky x-user-id, override x-edgeserve-arm, a sticky cookie), and
// expectations and hop-by-hop headers. Values keep to what node lets a client send.
import { urlOf, utf8, VALID_REQUESTS, type FuzzCase } from './cases.ts';
import type { Random } from './random.ts';

const CONTENT_TYPES = [
  'application/json', 'text/plain', '', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded',
  'application/octet-stream', 'application/grpc', '*/*', 'application/json; charset=' + 'x'.repeat(2000), 'APPLICATION/JSON',
];
const ENCODINGS = ['gzip', 'GZIP', 'x-gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'gzip, identity', 'identity, gzip', 'compress', 'zstd', '', 'gzipp'];
const TRACEPARENTS = [
  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'ff-' + 'f'.repeat(32) + '-' + 'f'.repeat(16) + '-ff',
  '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', 'garbage', '', '00-' + 'a'.repeat(5000), '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
];

export function headerCase(r: Random): FuzzCase {
  const valid = r.pick(VALID_REQUESTS);
  let body = utf8(JSON.stringify(valid.body));
  const headers: Record<string, string> = {};
  const mutations = r.int(1, 3);
  for (let i = 0; i < mutations; i++) {
    switch (r.int(0, 9)) {
      case 0: headers['content-type'] = r.pick(CONTENT_TYPES); break;
      case 1: {
        // A shorter length: the server reads a prefix and sees the rest as the next request, so
        // this connection is not reused.
        headers['content-length'] = String(r.int(0, Math.max(0, body.length - 1)));
        headers.connection = 'close';
        break;
      }
      case 2: headers['content-encoding'] = r.pick(ENCODINGS); break;
      case 3: headers['x-request-id'] = r.pick(['abc', '', 'x'.repeat(r.size(8000)), 'id with spaces', 'é', '\t', r.ascii(128), r.ascii(129), '"quoted"']); break;
      case 4: headers.traceparent = r.pick(TRACEPARENTS); break;
      case 5: headers['x-user-id'] = r.pick(['u1', '', 'x'.repeat(r.size(8000)), r.ascii(20), 'é']); break;
      case 6: headers['x-edgeserve-arm'] = r.pick(['one', 'two', 'v1', 'v2', 'v3', 'v999999999999999999999', 'v-1', 'nope', '', 'V1', 'remote', 'x'.repeat(r.size(4000))]); break;
      case 7: headers.cookie = r.pick(['uid=1', 'uid=', '=;;=', 'a'.repeat(r.size(8000)), 'uid=1; uid=2', '%zz=%zz']); break;
      case 8: headers[r.pick(['expect', 'transfer-encoding', 'connection', 'upgrade', 'te', 'accept-encoding', 'x-forwarded-for', 'origin', 'authorization', 'x-api-key', 'host'])] =
        r.pick(['100-continue', 'chunked', 'keep-alive', 'close', 'websocket', 'trailers', 'gzip', '127.0.0.1', 'http://evil.example', 'Bearer x', 'x', 'foo', '']);
        break;
      default: headers[`x-${r.ascii(r.int(1, 20)).replace(/[^a-z0-9-]/gi, 'a')}`] = 'v'.repeat(r.size(6000));
    }
  }
  if (headers['content-encoding']?.includes('gzip') && r.chance(0.5)) body = utf8(`not gzip: ${new TextDecoder().decode(body)}`);
  // One connection upgrade or chunked request at a time, also never reused.
  if (headers.upgrade !== undefined || headers['transfer-encoding'] !== undefined) headers.connection = 'close';
  return { method: 'POST', path: urlOf(valid), headers, body };
}
