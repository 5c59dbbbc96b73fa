// Log lines written in batches: one stdout write per turn of the event loop instead of one per
// request, so a request log costs a string push on the hot path.
export function batchedLineWriter(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    stream.write(`${lines.join('\n')}\n`);
  };
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}
