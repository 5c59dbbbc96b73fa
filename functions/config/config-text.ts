// TF Serving's model server config in protobuf text format (`--model_config_file`), read into the
// same plain object as models.config.json so one validator serves both:
//
//   model_config_list {
//     config {
//       name: 'half_plus_two'  base_path: '/models/half_plus_two'  model_platform: 'onnx'
//       model_version_policy { specific { versions: 1 versions: 2 } }
//       version_labels { key: 'stable' value: 2 }
//     }
//   }

type Scalar = string | number;
type Message = Map<string, (Scalar | Message)[]>;

export class TextFormatError extends Error {}

/** Parses text format into nested Maps of repeated fields; throws TextFormatError with a line number. */
export function parseTextFormat(text: string): Message {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const fail = (message: string): never => {
    const t = tokens[Math.min(at, tokens.length - 1)];
    throw new TextFormatError(`line ${t?.line ?? 1}: ${message}`);
  };
  const message = (closing: boolean): Message => {
    const fields: Message = new Map();
    for (;;) {
      const t = peek();
      if (t === undefined) {
        if (closing) fail("missing '}'");
        return fields;
      }
      if (t.text === '}') {
        if (!closing) fail("unexpected '}'");
        at++;
        return fields;
      }
      if (t.kind !== 'ident') fail(`expected a field name, found ${t.text}`);
      at++;
      let next = peek();
      const colon = next?.text === ':';
      if (colon) {
        at++;
        next = peek();
      }
      let value: Scalar | Message;
      if (next?.text === '{' || next?.text === '<') {
        at++;
        value = message(true);
      } else {
        if (!colon) fail(`expected ':' after ${t.text}`);
        if (next === undefined || (next.kind !== 'string' && next.kind !== 'number' && next.kind !== 'ident')) {
          fail(`expected a value for ${t.text}`);
        }
        at++;
        value = next!.kind === 'number' ? Number(next!.text) : next!.value;
      }
      const list = fields.get(t.text) ?? [];
      list.push(value);
      fields.set(t.text, list);
      if (peek()?.text === ',' || peek()?.text === ';') at++;
    }
  };
  return message(false);
}

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct';
  text: string;
  value: string;
  line: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|#[^\n]*|([A-Za-z_][\w.]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([{}<>:;,])/y;
  let line = 1;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new TextFormatError(`line ${line}: unexpected character ${JSON.stringify(text[i])}`);
    if (m[1]) tokens.push({ kind: 'ident', text: m[1], value: m[1], line });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2], value: unquote(m[2]), line });
    else if (m[3]) tokens.push({ kind: 'number', text: m[3], value: m[3], line });
    else if (m[4]) tokens.push({ kind: 'punct', text: m[4] === '<' ? '{' : m[4] === '>' ? '}' : m[4], value: m[4], line });
    line += (m[0].match(/\n/g) ?? []).length;
    i = re.lastIndex;
  }
  return tokens;
}

function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

/**
 * A ModelServerConfig message → `{ models: [...] }` as models.config.json writes it. Paths in the
 * returned `pathOf` name the text format's fields, for error messages.
 */
export function textConfigToJson(root: Message): { doc: unknown; pathOf: (i: number) => string } {
  const pathOf = (i: number) => `model_config_list.config[${i}]`;
  for (const key of root.keys()) {
    if (key === 'custom_model_config') throw new TextFormatError('custom_model_config is not supported');
    if (key !== 'model_config_list') throw new TextFormatError(`unknown field ${key}`);
  }
  const list = only(root, 'model_config_list', 'model_config_list');
  const configs = list === undefined ? [] : (asMessage(list, 'model_config_list').get('config') ?? []);
  const models = configs.map((c, i) => {
    const config = asMessage(c, pathOf(i));
    const out: Record<string, unknown> = {};
    for (const [field, values] of config) {
      const path = `${pathOf(i)}.${field}`;
      switch (field) {
        case 'name':
        case 'base_path':
        case 'model_platform':
          out[field] = only(config, field, path);
          break;
        case 'model_version_policy':
          out[field] = policyJson(asMessage(only(config, field, path)!, path), path);
          break;
        case 'version_labels':
          out[field] = Object.fromEntries(
            values.map((v, j) => {
              const entry = asMessage(v, `${path}[${j}]`);
              return [only(entry, 'key', `${path}[${j}].key`), only(entry, 'value', `${path}[${j}].value`)];
            }),
          );
          break;
        case 'logging_config':
        case 'model_type':
          break; // accepted, not used by edgeserve
        default:
          throw new TextFormatError(`${path}: unknown field`);
      }
    }
    return out;
  });
  return { doc: { models }, pathOf };
}

function policyJson(policy: Message, path: string): unknown {
  const [kind, values] = [...policy][0] ?? [];
  if (kind === undefined || policy.size !== 1) throw new TextFormatError(`${path}: expected one of latest, all, specific`);
  const body = asMessage(values![0]!, `${path}.${kind}`);
  if (kind === 'latest') return { latest: { num_versions: only(body, 'num_versions', `${path}.latest.num_versions`) ?? 1 } };
  if (kind === 'all') return { all: {} };
  if (kind === 'specific') return { specific: { versions: body.get('versions') ?? [] } };
  throw new TextFormatError(`${path}: unknown policy ${kind}`);
}

function only(m: Message, field: string, path: string): Scalar | Message | undefined {
  const values = m.get(field);
  if (values && values.length > 1) throw new TextFormatError(`${path}: set more than once`);
  return values?.[0];
}

function asMessage(v: Scalar | Message | undefined, path: string): Message {
  if (!(v instanceof Map)) throw new TextFormatError(`${path}: expected a message { … }`);
  return v;
}
