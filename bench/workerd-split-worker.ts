// A bench-only Worker: POST /setup with the mnist model's bytes (and the request body in the
// x-body header's place: the second part, after the model) builds the subject; GET
// /loop?piece=P&n=N runs a piece N times and answers when done (bench/workerd-split.ts times it).
import { createWorkersBackend } from '../adapters/workers/ort-wasm.ts';
import { PIECES, runPiece, splitSubject, type Piece, type SplitSubject } from './workerd-split-loops.ts';

let subject: SplitSubject | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/setup') {
        const modelBytes = Number(request.headers.get('x-model-bytes'));
        const all = new Uint8Array(await request.arrayBuffer());
        subject = await splitSubject(createWorkersBackend(), all.slice(0, modelBytes), new TextDecoder().decode(all.subarray(modelBytes)));
        return new Response('ready');
      }
      const piece = url.searchParams.get('piece') as Piece;
      if (subject === undefined || !PIECES.includes(piece)) return new Response('not set up', { status: 400 });
      await runPiece(subject, piece, Number(url.searchParams.get('n')));
      return new Response('done');
    } catch (e) {
      return new Response(e instanceof Error ? e.stack ?? e.message : String(e), { status: 500 });
    }
  },
};
