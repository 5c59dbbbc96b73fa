// `edgeserve --help`, generated from the option table: Node's options grouped by section, each
// with its environment variable and default, so the help cannot drift from what is read.
import { defaultsText, flagUsage } from '../../functions/options/describe-option.ts';
import { SECTIONS } from '../../functions/options/option-spec.ts';
import { optionsFor } from '../../functions/options/read-options.ts';

const COLUMN = 40;

export function usageText(): string {
  const options = optionsFor('node');
  const lines = [
    'Usage: edgeserve [serve] [options]   serve a model repository over TF Serving\'s REST API',
    '       edgeserve index DIR           write DIR/index.json, the listing an HTTP(S) repository publishes',
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
  lines.push('', '  -h, --help                            this text');
  return lines.join('\n');
}
