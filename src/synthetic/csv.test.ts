import { describe, expect, it } from 'vitest';
import { formatCsv, formatCsvField, parseCsv } from './csv.js';

function records(text: string) {
  const result = parseCsv(text, 'test.csv');
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('parseCsv', () => {
  it('reads plain fields, LF line ends and a missing final newline', () => {
    expect(records('a,b,c\n1,2,3')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
  });

  it('reads CRLF line ends and ignores a byte-order mark', () => {
    expect(records('\uFEFFa,b\r\n1,2\r\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields, and counts lines across them', () => {
    const text = 'name,note\r\n"Humber, Coast and Vale","said ""hello"""\r\n"two\r\nlines",x\r\nlast,y\r\n';
    expect(records(text)).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['Humber, Coast and Vale', 'said "hello"'] },
      { line: 3, fields: ['two\r\nlines', 'x'] },
      { line: 5, fields: ['last', 'y'] },
    ]);
  });

  it('keeps empty fields, including quoted empty ones and a trailing empty field', () => {
    expect(records('a,,c\n"",b,\n')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 2, fields: ['', 'b', ''] },
    ]);
  });

  it('skips empty lines but keeps the line numbers of the records after them', () => {
    expect(records('a\n\n\r\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('reports an unterminated quoted field at the line it starts on', () => {
    const result = parseCsv('a,b\n1,"open\n2,3\n', 'bad.csv');
    expect(result).toEqual({
      ok: false,
      error: [{ file: 'bad.csv', line: 2, message: expect.stringMatching(/never closed/) }],
    });
  });

  it('reports a stray quote inside an unquoted field and text after a closing quote, each with its line', () => {
    const result = parseCsv('a,b\n1,x"y\n"q"z,2\n', 'bad.csv');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((issue) => [issue.file, issue.line])).toEqual([
      ['bad.csv', 2],
      ['bad.csv', 3],
    ]);
  });
});

describe('formatCsv', () => {
  it('quotes only the fields that need it and doubles quotes', () => {
    expect(formatCsvField('plain')).toBe('plain');
    expect(formatCsvField('a,b')).toBe('"a,b"');
    expect(formatCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvField('two\nlines')).toBe('"two\nlines"');
  });

  it('round-trips through parseCsv', () => {
    const rows = [
      ['code', 'name', 'note'],
      ['E01', 'Humber, Coast and Vale', 'said "x"'],
      ['E02', '', 'line\r\nbreak'],
    ];
    const text = formatCsv(rows);
    expect(text.endsWith('\n')).toBe(true);
    expect(records(text).map((record) => record.fields)).toEqual(rows);
  });
});
