// The layer rule (docs/architecture.md): a file in functions/ imports only its own layer and the
// layers below it; functions/ imports nothing platform-specific; a platform adapter imports no
// other platform's folder (what two share lives in adapters/shared/ or adapters/storage/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Bottom first. A file's layer is its first folder under functions/ (app.ts at the root is the top). */
export const LAYERS = [
  'util', 'options', 'tensor', 'codec', 'config', 'storage', 'metrics', 'runtime', 'serving', 'routing', 'inference', 'auth', 'http', 'rest', 'v2', 'app',
] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

function layerOf(file: string): string {
  const rel = relative(join(ROOT, 'functions'), file).split('/');
  return rel.length === 1 ? 'app' : rel[0]!;
}

describe('architecture', () => {
  const functions = sourceFiles(join(ROOT, 'functions'));

  it('every folder of functions/ is a known layer', () => {
    const unknown = [...new Set(functions.map(layerOf))].filter((l) => !(LAYERS as readonly string[]).includes(l));
    expect(unknown).toEqual([]);
  });

  it('no file in functions/ imports a layer above its own', () => {
    const violations: string[] = [];
    for (const file of functions) {
      const own = LAYERS.indexOf(layerOf(file) as never);
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(join(ROOT, 'functions'))) {
          violations.push(`${relative(ROOT, file)} imports ${spec}, outside functions/`);
          continue;
        }
        const theirs = LAYERS.indexOf(layerOf(target) as never);
        if (theirs > own) violations.push(`${relative(ROOT, file)} (${layerOf(file)}) imports ${relative(ROOT, target)} (${layerOf(target)})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('functions/ imports nothing platform-specific', () => {
    const platform = /^(node:|cloudflare:|@aws-sdk\/|aws-lambda$|onnxruntime-node$|fs$|path$|os$)/;
    const violations = functions.flatMap((file) => imports(file).filter((s) => platform.test(s)).map((s) => `${relative(ROOT, file)} imports ${s}`));
    expect(violations).toEqual([]);
  });

  it('a platform adapter imports no other platform adapter', () => {
    const platforms = ['node', 'workers', 'lambda'];
    const violations: string[] = [];
    for (const platform of platforms) {
      for (const file of sourceFiles(join(ROOT, 'adapters', platform))) {
        for (const spec of imports(file)) {
          if (!spec.startsWith('.')) continue;
          const target = relative(join(ROOT, 'adapters'), resolve(dirname(file), spec)).split('/')[0];
          if (target !== platform && platforms.includes(target!)) violations.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('no file in functions/ but the JSON parser is over 300 lines', () => {
    const long = functions
      .filter((f) => !f.endsWith(join('util', 'json', 'parse.ts')))
      .map((f) => ({ f: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 300);
    expect(long).toEqual([]);
  });
});
