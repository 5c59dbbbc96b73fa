// `edgeserve quantize …`: parse, quantize and check in memory, then write (or push) and print the
// report. Resolves to the exit status: 0 written, 1 refused or failed (nothing written), 2 usage.
// Every failure is one line on stderr, never a stack trace. Loaded only for this command, so the
// server's start never imports onnx-proto.
import { parseQuantizeArguments, QUANTIZE_USAGE } from './arguments.ts';
import { QuantizeError } from './onnx-model.ts';
import { quantizeModel } from './quantize.ts';
import { reportText } from './report.ts';
import { pushVersion, writeAtomically } from './write-output.ts';

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
    const { bytes, report } = await quantizeModel(command.request);
    if (command.output) await writeAtomically(command.output, bytes);
    const pushed = command.push ? await pushVersion(command.push, bytes, report, command.request.input) : undefined;
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
