// The shape of one entry of the option table (option-table.ts) and the TypeScript type of the
// value each entry yields, so readers return typed values without a second hand-written list.

export type Platform = 'node' | 'workers' | 'lambda';
export const PLATFORMS: readonly Platform[] = ['node', 'workers', 'lambda'];

export type ValueType = 'string' | 'integer' | 'boolean' | 'rate' | 'list' | 'enum';

/** Help and README group options under these headings, in this order. */
export const SECTIONS = ['Repository', 'Storage', 'Models', 'Batching', 'Runtime', 'Server', 'Logs', 'Workers'] as const;
export type Section = (typeof SECTIONS)[number];

export type Value = string | number | boolean | readonly string[];

/**
 * A default is either a value the readers fill in, or a text naming what the adapter computes
 * itself ("half the RAM"); a text default leaves the option undefined in the values.
 */
export type Default = Value | { readonly text: string };

export interface OptionSpec {
  /** camelCase: the key in the values every reader returns. */
  readonly key: string;
  /** TF Serving style, snake_case, without `--`; absent: the option is not a flag. */
  readonly flag?: string;
  /** The environment variable (Workers var, Lambda environment, Node env); absent: flag only. */
  readonly env?: string;
  readonly type: ValueType;
  /** For `enum`: the accepted values. */
  readonly choices?: readonly string[];
  /** What the value looks like in help: N, DIR, URL … (booleans take none). */
  readonly arg?: string;
  /** Where the option means something; elsewhere it is neither read nor accepted. */
  readonly platforms: readonly Platform[];
  /** The default on every platform … */
  readonly default?: Default;
  /** … unless a platform has its own. */
  readonly defaultOn?: { readonly [P in Platform]?: Default };
  readonly help: string;
  readonly section: Section;
  /** A credential: documented as a secret, never printed. */
  readonly secret?: boolean;
}

/** The TypeScript type of an option's parsed value. */
export type ValueOf<O> = O extends { readonly type: 'integer' | 'rate' }
  ? number
  : O extends { readonly type: 'boolean' }
    ? boolean
    : O extends { readonly type: 'list' }
      ? readonly string[]
      : O extends { readonly type: 'enum'; readonly choices: readonly (infer C)[] }
        ? C
        : string;

/** The default of an option on one platform (undefined: none). */
export function defaultOf(option: OptionSpec, platform: Platform): Default | undefined {
  return option.defaultOn?.[platform] ?? option.default;
}

export function isTextDefault(d: Default | undefined): d is { readonly text: string } {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && 'text' in d;
}
