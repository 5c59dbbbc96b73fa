// Issue #14's compression trade-off: what br (quality 1) and gzip (level 1), as the Node and Lambda
// adapters use them, cost and save on a real answer (the 2×40×6625 float32 recogniser output in
// TF Serving's format) and on one at the threshold (64 KiB), against sending it as it is.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { DEFAULT_COMPRESSION } from '../adapters/shared/response-compression.ts';
import { predictResponseBody } from '../functions/codec/predict-response.ts';
import { softmaxTensor } from './codec-write.ts';
import { median } from './stats.ts';

export interface CompressionRow {
  readonly label: string;
  readonly bytes: number;
  readonly coding: 'br' | 'gzip';
  readonly ms: number;
  readonly ratio: number;
}

const CODERS = {
  br: (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  gzip: (b: Buffer) => gzipSync(b, { level: 1 }),
} as const;

export function benchCompression(): CompressionRow[] {
  const answer = Buffer.from(predictResponseBody('columnar', new Map([['probs', softmaxTensor()]])));
  const threshold = answer.subarray(0, DEFAULT_COMPRESSION.minBytes);
  const rows: CompressionRow[] = [];
  for (const [label, body, rounds] of [['16 MiB answer', answer, 7], ['64 KiB (the threshold)', threshold, 200]] as const) {
    for (const coding of ['br', 'gzip'] as const) {
      const samples: number[] = [];
      let size = 0;
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        size = CODERS[coding](body).length;
        samples.push(performance.now() - started);
      }
      rows.push({ label, bytes: body.length, coding, ms: median(samples), ratio: body.length / size });
    }
  }
  return rows;
}
