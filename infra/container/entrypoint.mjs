// The image's entrypoint, after TF Serving's (its tf_serving_entrypoint.sh runs
// `tensorflow_model_server --rest_api_port=8501 --model_name=${MODEL_NAME}
// --model_base_path=${MODEL_BASE_PATH}/${MODEL_NAME} "$@"`, with MODEL_NAME=model and
// MODEL_BASE_PATH=/models in the image). edgeserve's command line reads MODEL_NAME and
// MODEL_BASE_PATH itself (single-model mode), so this only fills in TF Serving's defaults and the
// container's address, then runs the server in this process (so it gets the container's signals):
//   docker run … edgeserve                              serves /models/model as "model" on 0.0.0.0:8501
//   docker run -e MODEL_NAME=mnist … edgeserve           serves /models/mnist
//   docker run … edgeserve --model_config_file=/c/models.config   the config's models: no defaults
//   docker run -e EDGESERVE_MODEL_BASE_PATH=/models …    edgeserve's repository mode: every model folder
//   docker run … edgeserve --rest_api_port=9000          the caller's flags and variables win
//   docker run … edgeserve index /models                 other commands pass through unchanged
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** TF Serving's image defaults. */
export const DEFAULTS = { MODEL_NAME: 'model', MODEL_BASE_PATH: '/models', port: '8501', host: '0.0.0.0' };

/** Whether argv sets --name, as `--name`, `--name value` or `--name=value`. */
function hasFlag(argv, name) {
  return argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
}

const set = (env, name) => typeof env[name] === 'string' && env[name] !== '';

/**
 * The server's command line and the variables to add to its environment, from the container's
 * arguments and environment. Pure: the entrypoint's whole logic, tested without Docker.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @returns {{ argv: string[], env: Record<string, string> }}
 */
export function containerCommand(argv, env) {
  const serve = argv[0] === undefined || argv[0] === 'serve' || argv[0].startsWith('-');
  if (!serve || hasFlag(argv, 'help') || argv.includes('-h') || hasFlag(argv, 'version')) return { argv, env: {} };
  const added = {};
  // A repository named any other way (TF Serving's flags, edgeserve's variables) is the caller's
  // choice: defaults for MODEL_NAME/MODEL_BASE_PATH would turn it into single-model mode.
  const repositoryChosen = ['model_name', 'model_base_path', 'model_config_file'].some((f) => hasFlag(argv, f))
    || set(env, 'EDGESERVE_MODEL_BASE_PATH') || set(env, 'EDGESERVE_MODEL_CONFIG');
  if (!repositoryChosen) {
    if (!set(env, 'MODEL_NAME')) added.MODEL_NAME = DEFAULTS.MODEL_NAME;
    if (!set(env, 'MODEL_BASE_PATH')) added.MODEL_BASE_PATH = DEFAULTS.MODEL_BASE_PATH;
  }
  const flags = [];
  if (!hasFlag(argv, 'rest_api_port') && !set(env, 'EDGESERVE_PORT')) flags.push(`--rest_api_port=${DEFAULTS.port}`);
  if (!hasFlag(argv, 'host') && !set(env, 'EDGESERVE_HOST')) flags.push(`--host=${DEFAULTS.host}`);
  const [first, ...rest] = argv;
  return { argv: first === 'serve' ? ['serve', ...flags, ...rest] : [...flags, ...argv], env: added };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = join(dirname(fileURLToPath(import.meta.url)), 'index.mjs');
  const command = containerCommand(process.argv.slice(2), process.env);
  Object.assign(process.env, command.env);
  process.argv = [process.argv[0], server, ...command.argv];
  await import(pathToFileURL(server).href);
}
