// `edgeserve --help`, generated from the option table: Node's options grouped by section, each
// with its environment variable and default, so the help cannot drift from what is read.
import { defaultsText, flagUsage } from '../../functions/options/describe-option.ts';
import { SECTIONS } from '../../functions/options/option-spec.ts';
import { optionsFor } from '../../functions/options/read-options.ts';
import { IGNORED_TF_FLAGS } from '../../functions/options/tf-serving-flags.ts';

const COLUMN = 40;

export function usageText(): string {
  const options = optionsFor('node');
  const lines = [
    'Usage: edgeserve [serve] [options]   serve a model repository over TF Serving\'s REST API',
    '       edgeserve index DIR           write DIR/index.json, the listing an HTTP(S) repository publishes',
    '       edgeserve quantize IN OUT MODE quantize an ONNX model (--int8, --fp16, --int8-static): quantize --help',
    '       edgeserve validate REPO       load and check every aspired version, warmup replayed (validate --help)',
    '       edgeserve push FILE.onnx REPO/MODEL  publish the next version with its manifest (push --help)',
    '       edgeserve label|canary|promote|rollback REPO MODEL …  edit the rollout config safely (canary --help)',
    '       edgeserve status URL          a running server\'s models, versions and arms (status --help)',
    '       edgeserve --version           print the version',
    '',
    'A flag wins over its environment variable, which wins over the default. Flags take',
    '--flag value or --flag=value; booleans --flag or --flag=true|false|1|0.',
  ];
  for (const section of SECTIONS) {
    const inSection = options.filter((o) => o.section === section);
    if (inSection.length === 0) continue;
    lines.push('', section);
    for (const option of inSection) {
      const left = flagUsage(option) ?? `${option.env}=${option.arg ?? 'VALUE'}`;
      const where = option.flag === undefined ? 'environment only' : option.env ?? 'no variable';
      const first = `  ${left}`;
      lines.push(first.length < COLUMN ? `${first.padEnd(COLUMN)}${option.help}` : `${first}\n${' '.repeat(COLUMN)}${option.help}`);
      lines.push(`${' '.repeat(COLUMN)}${where} · default: ${defaultsText(option, ['node'])}`);
    }
  }
  // TF Serving's flags that cannot apply are accepted so its command lines start edgeserve; each
  // prints a warning with its reason at start (README, "Coming from TF Serving").
  lines.push('', "Accepted from TF Serving's tensorflow_model_server without effect (a warning says why):");
  lines.push(wrap([...IGNORED_TF_FLAGS.keys()].map((f) => `--${f}`), '  '));
  lines.push('', '  -h, --help                            this text', '  --version                             the version');
  return lines.join('\n');
}

/** Words joined by spaces, wrapped at 100 columns after `indent`. */
function wrap(words: readonly string[], indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    if (line.length + word.length + 1 > 100 && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}
