/**
 * The writer's raw copies into DuckDB's vectors: an ENUM's index array must be as wide as DuckDB stores that ENUM,
 * which depends on how many members it has. Checked at each boundary by filling a real DuckDB data chunk and reading
 * it back — the fault this guards against gave half a small population the same surname.
 */
import { DuckDBDataChunk } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { rows, wordColumn } from './truth-writer.js';

function roundTrip(words: readonly (string | undefined)[]): unknown[] {
  const column = wordColumn('word', words.length, (i) => words[i]);
  const chunk = DuckDBDataChunk.create([column.type]);
  chunk.rowCount = words.length;
  rows([column], words.length).fill(chunk, 0, words.length);
  return chunk.getColumnValues(0).map((value) => (value === null ? undefined : String(value)));
}

describe('word columns', () => {
  it.each([2, 254, 255, 256, 1_000])('read back exactly with %i distinct words', (distinct) => {
    // Rows cycle through the words (each at least once), with a null every seventh row.
    const length = Math.min(2048, Math.max(distinct, 600));
    const words = Array.from({ length }, (_, i) => (i % 7 === 6 ? undefined : `w${i % distinct}`));
    expect(roundTrip(words)).toEqual(words);
  });
});
