/**
 * @module partnership/json-schema
 * The partnership files' schemas as JSON Schema, for editors: with a YAML language server, whoever edits a
 * partnership folder sees mistakes as they type. Generated from the same zod schemas the loader checks with, and
 * kept in partnerships/schema/ (a test fails when the committed copies fall behind the code).
 */
import { z } from 'zod';
import { PartnershipFiles, type PartnershipFileName } from './schema.js';

export const jsonSchemaFileName = (file: PartnershipFileName): string =>
  file.replace(/\.yaml$/, '.schema.json');

export function partnershipJsonSchemas(): Record<string, string> {
  const files = Object.keys(PartnershipFiles) as PartnershipFileName[];
  return Object.fromEntries(
    files.map((file) => {
      // `input`: what may be written in the file (fields with defaults are optional there).
      const schema = z.toJSONSchema(PartnershipFiles[file], { io: 'input', unrepresentable: 'any' });
      const document = { title: `Accord partnership file ${file}`, ...schema };
      return [jsonSchemaFileName(file), `${JSON.stringify(document, null, 2)}\n`];
    }),
  );
}
