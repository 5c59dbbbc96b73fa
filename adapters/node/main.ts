// The edgeserve executable (`npm start`, `npm run edgeserve`, the container's entry): the command
// line of this process → main(), its result → the exit status.
import { main } from './cli.ts';

const code = await main(process.argv.slice(2), process.env);
process.exitCode = code;
// A stopped server can leave a handle open (an SDK's keep-alive socket, a native runtime thread
// pool): the unref'd timer exits anyway once stdout has had a moment, and costs nothing otherwise.
setTimeout(() => process.exit(code), 1000).unref();
