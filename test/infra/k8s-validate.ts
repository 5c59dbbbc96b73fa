// An offline validator for Kubernetes manifests, strict as `kubectl apply --validate=strict`:
// - each object against the Kubernetes API's OpenAPI schema (kubernetes-models: types, formats,
//   enums, required fields; it accepts unknown fields), then
// - against the API's types (kubernetes-types) by the TypeScript compiler, whose excess-property
//   check rejects an unknown or misspelt field at any depth (the first of each object is named),
//   and a wrong kind or apiVersion.
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [field: string]: unknown;
}

/** The objects of a multi-document YAML file; a syntax error or a duplicate key throws. */
export function parseManifests(text: string, source = 'manifest'): ManifestObject[] {
  return parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true }).flatMap((doc, i) => {
    if ('errors' in doc && doc.errors.length > 0) throw new Error(`${source}, document ${i + 1}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as ManifestObject | null;
    return value === null ? [] : [value];
  });
}

const label = (o: ManifestObject, i: number) => `${o?.kind ?? '?'} ${o?.metadata?.name ?? `#${i + 1}`}`;

/** kubernetes-types' module for an apiVersion: `apps/v1` → apps/v1.js, `v1` → core/v1.js, `rbac.authorization.k8s.io/v1` → rbac/v1.js. */
function typesModule(apiVersion: string): string {
  // The package has no exports map: ESM resolution needs the file's extension.
  return `kubernetes-types/${apiVersion.includes('/') ? apiVersion.replace(/^([^./]+)[^/]*\//, '$1/') : `core/${apiVersion}`}.js`;
}

/** Schema problems, and the objects whose apiVersion/kind the API has (the only ones worth type-checking). */
async function schemaProblems(objects: readonly ManifestObject[]): Promise<{ problems: string[]; known: Set<number> }> {
  const problems: string[] = [];
  const known = new Set<number>();
  for (const [i, o] of objects.entries()) {
    if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string') {
      problems.push(`${label(o, i)}: apiVersion and kind are required`);
      continue;
    }
    let model: new (data: unknown) => { validate(): void };
    try {
      const specifier = `kubernetes-models/${o.apiVersion}/${o.kind}`;
      model = ((await import(/* @vite-ignore */ specifier)) as Record<string, never>)[o.kind]!;
    } catch {
      problems.push(`${label(o, i)}: unknown apiVersion/kind ${o.apiVersion} ${o.kind}`);
      continue;
    }
    known.add(i);
    try {
      new model(o).validate();
    } catch (err) {
      const errors = (err as { errors?: { instancePath: string; message: string }[] }).errors;
      for (const e of errors ?? [{ instancePath: '', message: String(err) }]) problems.push(`${label(o, i)}: ${e.instancePath || '/'} ${e.message}`);
    }
  }
  return { problems, known };
}

/** A JSON value as a TypeScript literal, keys unquoted where they can be (so messages name them plainly). */
function literal(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[\n${value.map((v) => inner + literal(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)}`).join(',\n')}\n${indent}}`;
}

function typeProblems(objects: readonly ManifestObject[], known: Set<number>): string[] {
  // A file inside the repository (never written), so that kubernetes-types resolves from its node_modules.
  const file = join(ROOT, 'test/infra/__manifests__.ts');
  const lines: string[] = [];
  const lineOwner: number[] = [];
  const push = (text: string, owner: number) => {
    for (const line of text.split('\n')) {
      lines.push(line);
      lineOwner.push(owner);
    }
  };
  for (const [i, o] of objects.entries()) {
    if (!known.has(i)) continue;
    push(`import type { ${o.kind} as T${i} } from ${JSON.stringify(typesModule(o.apiVersion))};`, i);
    push(`export const o${i}: T${i} = ${literal(o, '')};`, i);
  }
  const text = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [], lib: ['lib.es2022.d.ts'], skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (resolve(name) === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file === undefined || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const owner = lineOwner[line] ?? 0;
    return `${label(objects[owner]!, owner)}: ${message} (at \`${lines[line]!.trim()}\`)`;
  });
}

/** Every problem found, one line each naming the object; empty when the manifests are valid. */
export async function validateManifests(objects: readonly ManifestObject[]): Promise<string[]> {
  const { problems, known } = await schemaProblems(objects);
  return [...problems, ...typeProblems(objects, known)];
}
