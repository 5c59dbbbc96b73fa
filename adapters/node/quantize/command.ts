// `edgeserve quantize …`: parse, quantize and check in memory, then write (or push) and print the
// report. Resolves to the exit status: 0 written, 1 refused or failed (nothing written), 2 usage.
// Every failure is one line on stderr, never a stack trace. Loaded only for this command, so the
// server's start never imports onnx-proto.
import { resolveOptions, type EnvRecord } from '../../../functions/options/read-options.ts';
import { storeOptionsFrom } from '../../shared/store-from-url.ts';
import { UploadProgress } from '../rollout/upload-progress.ts';
import { parseQuantizeArguments, QUANTIZE_USAGE } from './arguments.ts';
import { QuantizeError } from './onnx-model.ts';
import { quantizeModel } from './quantize.ts';
import { reportText } from './report.ts';
import { checkOutput, checkPushTarget, pushVersion, takeBack, writeAtomically } from './write-output.ts';

/** `env`: where an s3:// push finds its endpoint and region, as `serve` and `push` do. */
export async function quantizeCommand(argv: readonly string[], env: EnvRecord = process.env): Promise<number> {
  const command = parseQuantizeArguments(argv);
  if (command.kind === 'help') {
    console.log(QUANTIZE_USAGE);
    return 0;
  }
  if (command.kind === 'error') {
    console.error(`edgeserve quantize: ${command.message} (edgeserve quantize --help)`);
    return 2;
  }
  try {
    // What can fail without quantizing is checked first, so a doomed run writes nothing.
    const target = command.push ? await checkPushTarget(command.push, storeOptionsFrom(resolveOptions('node', env, new Map()))) : undefined;
    if (command.output) await checkOutput(command.output, command.request.input);
    const { bytes, report } = await quantizeModel(command.request);
    // The push first: it can fail in more ways, and OUT is written only once it has succeeded.
    const bar = new UploadProgress(process.stderr.isTTY && !command.json ? process.stderr : undefined);
    const pushed = target ? await pushVersion(target, bytes, report, command.request.input, { progress: bar.update }).finally(() => bar.end()) : undefined;
    if (command.output) {
      await writeAtomically(command.output, bytes).catch(async (e: unknown) => {
        // Exit status 1 promises nothing written: take back the version just published.
        if (target && pushed) await takeBack(target, pushed);
        throw e;
      });
    }
    const where = [command.output, pushed && `${pushed.folder}/model.onnx (version ${pushed.version})`].filter(Boolean).join(' and ');
    const shown = pushed && { version: pushed.version, folder: pushed.folder };
    if (command.json) console.log(JSON.stringify({ ...report, output: command.output, pushed: shown }, null, 2));
    else console.log(reportText(report, where));
    return 0;
  } catch (e) {
    // A QuantizeError is the operator's to fix; anything else is a bug, still reported in one line.
    const message = e instanceof QuantizeError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    console.error(`edgeserve quantize: ${message.split('\n')[0]}`);
    return 1;
  }
}
