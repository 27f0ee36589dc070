import { describe, expect, it } from 'vitest';
import { DUPLICATE_OFFSET, localIds, localIdSystem } from './local-ids.js';

const acute = { key: 'leeds-teaching-hospitals-nhs-trust', kind: 'acute', odsCode: 'RR8' } as const;

describe('local record numbers', () => {
  it('are distinct for distinct people and records, and the same every time', () => {
    const ids = localIds(1, acute);
    const seen = new Set<string>();
    for (let key = 0; key < 50_000; key++) {
      seen.add(ids.of(key));
      seen.add(ids.of(key, true));
    }
    expect(seen.size).toBe(100_000);
    expect(localIds(1, acute).of(1234)).toBe(ids.of(1234));
  });

  it('reveal neither the key nor the order of the truth', () => {
    const ids = localIds(1, acute);
    const ranks = Array.from({ length: 1000 }, (_, key) => ids.rank(key));
    const increasing = ranks.filter((rank, i) => i > 0 && rank > (ranks[i - 1] ?? 0)).length;
    // A random order rises about half the time; the identity would rise every time.
    expect(increasing).toBeGreaterThan(400);
    expect(increasing).toBeLessThan(600);
  });

  it('differ between organisations and seeds', () => {
    const other = localIds(1, { key: 'mid-yorkshire-hospitals-nhs-trust', kind: 'acute', odsCode: 'RXF' });
    const reseeded = localIds(2, acute);
    const ids = localIds(1, acute);
    const same = Array.from({ length: 1000 }, (_, key) => key).filter(
      (key) => ids.rank(key) === other.rank(key) || ids.rank(key) === reseeded.rank(key),
    );
    expect(same.length).toBeLessThan(3);
  });

  it('take the format of the kind of organisation', () => {
    expect(localIds(1, acute).of(5)).toMatch(/^RR8\d{8}$/);
    expect(localIds(1, { key: 'B86001', kind: 'gp', odsCode: 'B86001' }).of(5)).toMatch(/^\d{8}$/);
    expect(
      localIds(1, { key: 'leeds-and-york-partnership-nhs-ft', kind: 'mental-health', odsCode: 'RGD' }).of(5),
    ).toMatch(/^RGD-\d{8}$/);
    expect(
      localIds(1, { key: 'locala-community-partnerships-cic', kind: 'community', odsCode: undefined }).of(5),
    ).toMatch(/^C\d{8}$/);
    expect(
      localIds(1, { key: 'yorkshire-ambulance-service-nhs-trust', kind: 'ambulance', odsCode: 'RX8' }).of(5),
    ).toMatch(/^RX8E\d{8}$/);
    expect(localIds(1, { key: 'leeds-city-council', kind: 'social-care', odsCode: undefined }).of(5)).toMatch(
      /^\d{8}$/,
    );
    expect(localIdSystem('B86001')).toBe('https://accord.example/fhir/sid/B86001/patient-id');
  });

  it('refuse keys outside the range they can number', () => {
    expect(() => localIds(1, acute).of(DUPLICATE_OFFSET)).toThrow(/outside/);
    expect(() => localIds(1, acute).of(-1)).toThrow(/outside/);
  });
});
