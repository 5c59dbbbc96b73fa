// A small seeded generator (mulberry32): the same seed, family and case number give the same
// request on every machine, so an offender printed by one run is reproduced by the next.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** One case's generator: independent of how many cases ran before it or in which order. */
  static forCase(seed: number, family: string, index: number): Random {
    let h = 2166136261 ^ seed;
    for (const c of `${family}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    return new Random(h);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A size spread over orders of magnitude: small ones often, huge ones sometimes. */
  size(max: number): number {
    return Math.min(max, Math.floor(Math.exp(this.next() * Math.log(max + 1))));
  }

  /** Printable ASCII, the characters URL and header values may carry unescaped. */
  ascii(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(0x21, 0x7e));
    return s;
  }
}
