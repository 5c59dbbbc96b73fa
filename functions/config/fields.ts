// Shared by the config parsers: errors that name the field's path, and the object check.

export type Fail = (path: string, problem: string) => never;

export function asObject(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}

/** A misspelt field must not be silently ignored: any key outside `allowed` is an error naming it. */
export function onlyFields(obj: Record<string, unknown>, allowed: readonly string[], path: string, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(path === '' ? key : `${path}.${key}`, `unknown field; expected one of ${allowed.join(', ')}`);
  }
}
