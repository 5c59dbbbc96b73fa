// Shared by the config parsers: errors that name the field's path, and the object check.

export type Fail = (path: string, problem: string) => never;

export function asObject(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}
