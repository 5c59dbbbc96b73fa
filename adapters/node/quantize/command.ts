// `edgeserve quantize …`: parse, quantize and check in memory, then write (or push) and print the
// report. Resolves to the exit status: 0 written, 1 refused or failed (nothing written), 2 usage.
// Every failure is one line on stderr, never a stack trace. Loaded only for this command, so the
// server's start never imports onnx-proto.
import { rm } from 'node:fs/promises';
import { parseQuantizeArguments, QUANTIZE_USAGE } from './arguments.ts';
import { QuantizeError } from './onnx-model.ts';
import { quantizeModel } from './quantize.ts';
import { reportText } from './report.ts';
import { checkOutput, checkPushTarget, pushVersion, writeAtomically } from './write-output.ts';

export async function quantizeCommand(argv: readonly string[]): Promise<number> {
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
    if (command.push) checkPushTarget(command.push);
    if (command.output) await checkOutput(command.output, command.request.input);
    const { bytes, report } = await quantizeModel(command.request);
    // The push first: it can fail in more ways, and OUT is written only once it has succeeded.
    const pushed = command.push ? await pushVersion(command.push, bytes, report, command.request.input) : undefined;
    if (command.output) {
      await writeAtomically(command.output, bytes).catch(async (e: unknown) => {
        // Exit status 1 promises nothing written: take back the version just published.
        if (pushed) await rm(pushed.folder, { recursive: true, force: true });
        throw e;
      });
    }
    const where = [command.output, pushed && `${pushed.folder}/model.onnx (version ${pushed.version})`].filter(Boolean).join(' and ');
    if (command.json) console.log(JSON.stringify({ ...report, output: command.output, pushed }, null, 2));
    else console.log(reportText(report, where));
    return 0;
  } catch (e) {
    // A QuantizeError is the operator's to fix; anything else is a bug, still reported in one line.
    const message = e instanceof QuantizeError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    console.error(`edgeserve quantize: ${message.split('\n')[0]}`);
    return 1;
  }
}
