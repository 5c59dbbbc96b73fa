// The README's configuration table is the generated one: editing the option table without
// regenerating it (`npx tsx scripts/options-table.ts`) fails here.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { optionsTable, TABLE_END, TABLE_START } from '../../scripts/options-table.ts';

it("the README's configuration table is what scripts/options-table.ts prints", () => {
  const readme = readFileSync(join(resolve(import.meta.dirname, '../..'), 'README.md'), 'utf8');
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  expect(start, 'README.md has the start marker').toBeGreaterThanOrEqual(0);
  expect(end, 'README.md has the end marker after it').toBeGreaterThan(start);
  expect(readme.slice(start + TABLE_START.length, end).trim()).toBe(optionsTable());
});
