import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { packageRoot } from '../core/paths.js';
import { loadPartnership } from './load.js';
import { entryHistory, listPartnerships, readPartnership, syncPartnership } from './repository.js';

function riversideCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'accord-repo-')), 'riverside');
  cpSync(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'), dir, { recursive: true });
  return dir;
}

function load(dir: string) {
  const result = loadPartnership(dir);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('partnership repository', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('stores a partnership, and loading the same files again writes nothing', async () => {
    const dir = riversideCopy();
    const first = await syncPartnership(test.db, load(dir), dir);
    expect(first.loadId).toBeDefined();
    expect(first.added).toBeGreaterThan(10);
    const rowsBefore = await test.db.query(
      `SELECT xmin::text AS x FROM partnership UNION ALL SELECT xmin::text FROM partnership_entry
        UNION ALL SELECT xmin::text FROM partnership_load ORDER BY 1`,
    );
    const again = await syncPartnership(test.db, load(dir), dir);
    expect(again).toMatchObject({ loadId: undefined, added: 0, changed: 0, removed: 0 });
    // Not one row was written (a row's xmin is the transaction that last wrote it).
    const rowsAfter = await test.db.query(
      `SELECT xmin::text AS x FROM partnership UNION ALL SELECT xmin::text FROM partnership_entry
        UNION ALL SELECT xmin::text FROM partnership_load ORDER BY 1`,
    );
    expect(rowsAfter).toEqual(rowsBefore);
    const stored = await readPartnership(test.db, first.partnershipId);
    expect(stored).toEqual(load(dir).partnership);
    expect(await listPartnerships(test.db)).toContainEqual({
      id: first.partnershipId,
      name: stored?.info.name,
    });
  });

  it('turns a changed file into new versions and keeps the old ones readable', async () => {
    const dir = riversideCopy();
    const before = load(dir).partnership;
    const { partnershipId } = await syncPartnership(test.db, load(dir), dir);
    const placesFile = join(dir, 'places.yaml');
    const place = before.places[0]!;
    const oldFigure = String(place.population.value);
    const text = readFileSync(placesFile, 'utf8');
    expect(text).toContain(`value: ${oldFigure}`);
    writeFileSync(placesFile, text.replace(`value: ${oldFigure}`, `value: ${place.population.value + 1000}`));
    const beforeChange = new Date();
    const report = await syncPartnership(test.db, load(dir), dir);
    expect(report).toMatchObject({ changed: 1, added: 0, removed: 0 });

    const history = await entryHistory(test.db, partnershipId, 'place', place.id);
    expect(history.map((v) => v.version)).toEqual([1, 2]);
    expect(history[0]!.recordedTo).not.toBeNull();
    expect(history[1]!.recordedTo).toBeNull();
    expect((history[1]!.content as typeof place).population.value).toBe(place.population.value + 1000);

    const now = await readPartnership(test.db, partnershipId);
    expect(now?.places[0]?.population.value).toBe(place.population.value + 1000);
    const then = await readPartnership(test.db, partnershipId, new Date(beforeChange.getTime() - 1));
    expect(then?.places[0]?.population.value).toBe(place.population.value);
  });

  it('closes an entry removed from the files, and numbers it on from its last version if it comes back', async () => {
    const dir = riversideCopy();
    const original = readFileSync(join(dir, 'delegations.yaml'), 'utf8');
    const { partnershipId } = await syncPartnership(test.db, load(dir), dir);
    const delegation = load(dir).partnership.delegations.at(-1)!;
    const withoutLast = original.slice(0, original.lastIndexOf('  - id:'));
    writeFileSync(join(dir, 'delegations.yaml'), withoutLast);
    expect(await syncPartnership(test.db, load(dir), dir)).toMatchObject({ removed: 1 });
    expect((await readPartnership(test.db, partnershipId))?.delegations.map((d) => d.id)).not.toContain(
      delegation.id,
    );
    writeFileSync(join(dir, 'delegations.yaml'), original);
    expect(await syncPartnership(test.db, load(dir), dir)).toMatchObject({ added: 1 });
    const versions = await entryHistory(test.db, partnershipId, 'delegation', delegation.id);
    expect(versions.map((v) => v.version)).toEqual(expect.arrayContaining([versions.length]));
    expect(versions.filter((v) => v.recordedTo === null)).toHaveLength(1);
  });

  it('does not version entries that only moved within their file', async () => {
    const dir = riversideCopy();
    const { partnershipId } = await syncPartnership(test.db, load(dir), dir);
    const file = join(dir, 'organisations.yaml');
    const text = readFileSync(file, 'utf8');
    // Move the last organisation to the top of the list.
    const lastStart = text.lastIndexOf('\n  - id:') + 1;
    const last = text.slice(lastStart).trimEnd() + '\n';
    const listStart = text.indexOf('  - id:');
    writeFileSync(file, text.slice(0, listStart) + last + text.slice(listStart, lastStart));
    const report = await syncPartnership(test.db, load(dir), dir);
    expect(report).toMatchObject({ added: 0, changed: 0, removed: 0 });
    const stored = await readPartnership(test.db, partnershipId);
    expect(stored?.organisations.map((o) => o.id)).toEqual(
      load(dir).partnership.organisations.map((o) => o.id),
    );
  });
});
