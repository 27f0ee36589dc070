/**
 * The fictional Riverside partnership (test/fixtures/partnerships/riverside), loaded into a test database: what
 * every web test stands its server on.
 */
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { loadPartnership, syncPartnership, type LoadedPartnership } from '../../src/partnership/index.js';
import type { Database } from '../../src/store/index.js';

export const RIVERSIDE_DIR = join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside');

export async function loadRiverside(db: Database): Promise<LoadedPartnership> {
  const loaded = loadPartnership(RIVERSIDE_DIR);
  if (!loaded.ok) throw new Error('the riverside fixture does not load');
  await syncPartnership(db, loaded.value, RIVERSIDE_DIR);
  return loaded.value;
}
