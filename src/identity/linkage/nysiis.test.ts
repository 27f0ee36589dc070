import { describe, expect, it } from 'vitest';
import { nysiis } from './nysiis.js';

// Published cases from the jellyfish library's test suite (jamesturk/jellyfish), which this implementation follows.
describe('NYSIIS', () => {
  it.each([
    ['Worthy', 'WARTY'],
    ['Ogata', 'OGAT'],
    ['montgomery', 'MANTGANARY'],
    ['Costales', 'CASTAL'],
    ['Tu', 'T'],
    ['martincevic', 'MARTANCAFAC'],
    ['Catherine', 'CATARAN'],
    ['Katherine', 'CATARAN'],
    ['Katerina', 'CATARAN'],
    ['Johnathan', 'JANATAN'],
    ['Jonathan', 'JANATAN'],
    ['John', 'JAN'],
    ['Teresa', 'TARAS'],
    ['Theresa', 'TARAS'],
    ['Jessica', 'JASAC'],
    ['Joshua', 'JAS'],
    ['Bosch', 'BAS'],
    ['Lapher', 'LAFAR'],
  ])('%s → %s', (name, code) => {
    expect(nysiis(name)).toBe(code);
  });

  it('gives the empty code for a name with no letters', () => {
    expect(nysiis('')).toBe('');
    expect(nysiis("'-")).toBe('');
  });

  it('applies the MAC and KN prefixes', () => {
    expect(nysiis('MACDONALD')).toBe(nysiis('MCDONALD'));
    expect(nysiis('KNIGHT')).toBe(nysiis('NIGHT'));
  });
});
