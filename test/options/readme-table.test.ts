// The README's generated tables are what the script prints: editing the option table or the list
// of TF Serving's flags without regenerating (`npx tsx scripts/options-table.ts [--tf-serving]`)
// fails here.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { optionsTable, TABLE_END, TABLE_START, TF_TABLE_END, TF_TABLE_START, tfServingTable } from '../../scripts/options-table.ts';

const readme = readFileSync(join(resolve(import.meta.dirname, '../..'), 'README.md'), 'utf8');

function between(start: string, end: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  expect(from, `README.md has ${start}`).toBeGreaterThanOrEqual(0);
  expect(to, 'README.md has the end marker after it').toBeGreaterThan(from);
  return readme.slice(from + start.length, to).trim();
}

it("the README's configuration table is what scripts/options-table.ts prints", () => {
  expect(between(TABLE_START, TABLE_END)).toBe(optionsTable());
});

it("the README's TF Serving flag table is what scripts/options-table.ts --tf-serving prints", () => {
  expect(between(TF_TABLE_START, TF_TABLE_END)).toBe(tfServingTable());
});
