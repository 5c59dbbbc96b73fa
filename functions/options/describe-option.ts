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

/**
 * The default on these platforms as one text: "30" when they agree, "33554432 (Lambda: 6291456)"
 * when only some have their own, else "Node: …; Workers: …".
 */
export function defaultsText(option: OptionSpec, platforms: readonly Platform[] = option.platforms): string {
  const shown = PLATFORMS.filter((p) => platforms.includes(p));
  const texts = shown.map((p) => formatDefault(defaultOf(option, p)));
  if (texts.every((t) => t === texts[0])) return texts[0] ?? 'none';
  const common = option.default === undefined ? undefined : formatDefault(option.default);
  const own = shown.map((p, i) => `${PLATFORM_NAMES[p]}: ${texts[i]}`).filter((_, i) => texts[i] !== common);
  if (common !== undefined && texts.includes(common)) return `${common} (${own.join('; ')})`;
  return own.join('; ');
}

export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { node: 'Node', workers: 'Workers', lambda: 'Lambda' };
