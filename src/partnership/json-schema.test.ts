import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partnershipsDir } from '../core/paths.js';
import { partnershipJsonSchemas } from './json-schema.js';

describe('JSON Schemas of the partnership files', () => {
  it('are committed in partnerships/schema/ exactly as the code generates them', () => {
    const generated = partnershipJsonSchemas();
    expect(Object.keys(generated)).toHaveLength(12);
    for (const [name, text] of Object.entries(generated)) {
      const committed = readFileSync(join(partnershipsDir, 'schema', name), 'utf8');
      // Compared as JSON, so formatting the committed files does not matter.
      expect(
        JSON.parse(committed),
        `${name} is stale: run \`accord partnership schema partnerships/schema\``,
      ).toEqual(JSON.parse(text));
    }
  });

  it('describe dates and ids as the loader checks them', () => {
    const bodies = JSON.parse(partnershipJsonSchemas()['bodies.schema.json'] ?? '{}') as object;
    const text = JSON.stringify(bodies);
    expect(text).toContain('^\\\\d{4}-\\\\d{2}-\\\\d{2}$');
    expect(text).toContain('^[a-z0-9][a-z0-9-]*$');
  });
});
