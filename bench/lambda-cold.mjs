// One cold start, as a fresh Lambda execution environment has it: a new process imports the
// bundle and answers one predict event. Prints the milliseconds from process start to the result.
const started = performance.timeOrigin;
const [bundle, eventJson] = process.argv.slice(2);
const { handler } = await import(bundle);
const result = await handler(JSON.parse(eventJson), { awsRequestId: 'cold', getRemainingTimeInMillis: () => 30_000 });
if (result.statusCode !== 200) throw new Error(JSON.stringify(result));
console.log(JSON.stringify({ ms: Date.now() - started }));
