/** docs/telemetry.md's metrics table says what the code reports: every instrument, name, kind, unit, attributes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTRUMENTS } from '../../src/telemetry';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'telemetry.md'), 'utf8');

function tableRows(): Map<string, string[]> {
  const rows = doc.split('\n').filter((line) => line.startsWith('| `activepieces.vault.'));
  return new Map(rows.map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim())).map((cells) => [cells[0].replace(/`/g, ''), cells]));
}

it('has one row per instrument and no other', () => {
  expect([...tableRows().keys()].sort()).toEqual(Object.values(INSTRUMENTS).map((s) => s.name).sort());
});

it.each(Object.values(INSTRUMENTS).map((s) => [s.name, s]))('documents %s as reported', (name, spec) => {
  const [, kind, unit, attributes, meaning] = tableRows().get(name)!;
  expect(kind).toBe(spec.kind);
  expect(unit).toBe(`\`${spec.unit}\``);
  expect(attributes === '(none)' ? [] : attributes.split(', ').map((a) => a.replace(/`/g, ''))).toEqual(spec.attributes);
  expect(meaning).toBe(spec.description);
});
