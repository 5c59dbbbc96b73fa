// The image's HEALTHCHECK: exit 0 once GET /edgeserve/ready answers 200 (every model the config
// names has an AVAILABLE version; without a config, the repository has been listed and loaded
// once), 1 when it answers anything else (not ready: 503 with each model's states, printed for
// `docker inspect`) or cannot be reached. It names no model, so it works for any repository.
// Kubernetes probes the same paths with httpGet instead (infra/k8s/edgeserve.yaml).
//   node healthcheck.mjs [URL]     URL: the server's address; by default the one the container's
//                                  command line (--rest_api_port, --host) or EDGESERVE_PORT /
//                                  EDGESERVE_HOST give, else 127.0.0.1:8501
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const READY_PATH = '/edgeserve/ready';

/** The value of --name in a command line (`--name value` or `--name=value`), the last one winning. */
function flagValue(args, name) {
  let value;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && i + 1 < args.length) value = args[++i];
    else if (args[i].startsWith(`--${name}=`)) value = args[i].slice(name.length + 3);
  }
  return value;
}

/**
 * The server's base URL: flags of the server's command line first (as the server reads them), then
 * its variables, then the image's defaults. An any-address host (0.0.0.0, ::) is reached on 127.0.0.1.
 * @param {Record<string, string | undefined>} env
 * @param {string[]} serverArgs the command line of the container's main process
 */
export function serverUrl(env, serverArgs = []) {
  const port = flagValue(serverArgs, 'rest_api_port') || env.EDGESERVE_PORT || '8501';
  let host = flagValue(serverArgs, 'host') || env.EDGESERVE_HOST || '127.0.0.1';
  if (host === '0.0.0.0' || host === '::' || host === '[::]') host = '127.0.0.1';
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The container's main process's arguments (PID 1, or the process docker-init started), if readable. */
function mainProcessArgs() {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** One probe: the exit status and the line to print. */
export async function probe(baseUrl, timeoutMs = 2000) {
  let res;
  try {
    res = await fetch(new URL(READY_PATH, baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    return { code: 1, line: `unreachable: ${baseUrl}${READY_PATH}: ${cause}` };
  }
  const body = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 2000);
  if (res.status === 200) return { code: 0, line: `ready: ${body}` };
  return { code: 1, line: `not ready (HTTP ${res.status}): ${body}` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { code, line } = await probe(process.argv[2] ?? serverUrl(process.env, mainProcessArgs()));
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  process.exitCode = code;
}
