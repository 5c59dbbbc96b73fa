// How an option is written in documentation: `--help` on Node and the README's table both use
// these, so the two never disagree on a default or a placeholder.
import { defaultOf, isTextDefault, PLATFORMS, type Default, type OptionSpec, type Platform } from './option-spec.ts';

export function formatDefault(d: Default | undefined): string {
  if (d === undefined) return 'none';
  if (isTextDefault(d)) return d.text;
  if (Array.isArray(d)) return d.length ? d.join(',') : 'none';
  return String(d);
}

/** `--rest_api_port N`, or `--lazy` for a boolean; undefined for an option that is not a flag. */
export function flagUsage(option: OptionSpec): string | undefined {
  if (option.flag === undefined) return undefined;
  if (option.type === 'boolean') return `--${option.flag}`;
  const arg = option.type === 'enum' ? (option.choices ?? []).join('|') : (option.arg ?? 'VALUE');
  return `--${option.flag} ${arg}`;
}

/** The default on each of these platforms, folded to one text when they agree ("30"), else "node: …; Workers: …". */
export function defaultsText(option: OptionSpec, platforms: readonly Platform[] = option.platforms): string {
  const shown = PLATFORMS.filter((p) => platforms.includes(p));
  const texts = shown.map((p) => formatDefault(defaultOf(option, p)));
  if (texts.every((t) => t === texts[0])) return texts[0] ?? 'none';
  return shown.map((p, i) => `${PLATFORM_NAMES[p]}: ${texts[i]}`).join('; ');
}

export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { node: 'Node', workers: 'Workers', lambda: 'Lambda' };
