/**
 * The annual report's model and its PDF, on Riverside with the hand-made population figures: the headline indicator
 * with its quintiles (through disclosure control), a place's own figure, the year's decisions up to the as-of date
 * only, the outcomes' statuses; and the PDF is a PDF, the same bytes when made again for the same date.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { packageRoot } from '../../core/paths.js';
import type { DecisionEntry } from '../../governance/meetings/index.js';
import { loadPartnership } from '../../partnership/index.js';
import { carersView } from '../carers-view.js';
import { populationView } from '../population-view.js';
import { annualReport, type ReportInput } from './model.js';
import { annualReportPdf } from './pdf.js';

const loaded = loadPartnership(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'));
if (!loaded.ok) throw new Error('riverside does not load');
const riverside = loaded.value.partnership;
const results = fixtureResults();
const placeNames = new Map(riverside.places.map((p) => [p.id, p.name]));

const decision = (reference: string, decidedOn: string, places: string[]): DecisionEntry => ({
  reference,
  bodyId: 'partnership-board',
  meetingId: 1,
  item: 1,
  decidedOn,
  title: `Decision ${reference}`,
  resolution: 'Agreed.',
  outcome: 'agreed',
  method: 'consensus',
  votesFor: 0,
  votesAgainst: 0,
  abstentions: 0,
  proposal: undefined,
  places,
  exemptParagraph: undefined,
  recordedAt: new Date(`${decidedOn}T15:00:00Z`),
});

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  partnership: riverside,
  year: 2024,
  asOf: '2024-12-31',
  population: populationView(results, 'public', placeNames),
  carers: carersView(results.carers, riverside),
  outcomes: [
    {
      id: 'gap',
      title: 'Narrow the gap',
      status: 'off-track',
      statusText: 'Off track',
      reasons: ['Below trajectory.'],
    },
    { id: 'early', title: 'Earlier diagnosis', status: 'on-track', statusText: 'On track', reasons: [] },
  ],
  decisions: [
    decision('PB-2023-004', '2023-11-02', ['north-bank', 'south-bank']),
    decision('PB-2024-001', '2024-03-07', ['north-bank', 'south-bank']),
    decision('NBH-2024-001', '2024-06-13', ['north-bank']),
  ],
  ...over,
});

describe('the annual report', () => {
  it('leads with the headline indicators, by deprivation quintile, as published', () => {
    const report = annualReport(input());
    const headline = report.headlines.find((h) => h.id === 'emergency-admissions');
    expect(headline?.year).toBe(2024);
    expect(headline?.quintiles.map((q) => q.group)).toEqual(['1', '2', '3', '4', '5']);
    expect(report.indicators.map((r) => r.id)).toEqual([
      'emergency-admissions',
      'screening-uptake',
      'referrals',
    ]);
    expect(report.summary.join(' ')).toContain(
      '2 shared outcomes: 1 off track, 1 on track (as of 2024-12-31)',
    );
    expect(report.outcomeCounts).toEqual([
      { statusText: 'Off track', count: 1 },
      { statusText: 'On track', count: 1 },
    ]);
  });

  it('lists the year’s decisions made up to the as-of date, and a place’s own only in its report', () => {
    expect(annualReport(input()).decisions.map((d) => d.reference)).toEqual(['PB-2024-001', 'NBH-2024-001']);
    expect(annualReport(input({ asOf: '2024-05-01' })).decisions.map((d) => d.reference)).toEqual([
      'PB-2024-001',
    ]);
    const south = annualReport(input({ place: 'south-bank' }));
    expect(south.decisions.map((d) => d.reference)).toEqual(['PB-2024-001']);
    expect(south.scope).toBe('South Bank, Riverside');
    expect(south.headlines[0]?.place?.group).toBe('south-bank');
  });

  it('uses the latest figures before a year that has none', () => {
    const report = annualReport(input({ year: 2026, asOf: '2026-02-01' }));
    expect(report.indicators.every((r) => r.year === 2024)).toBe(true);
  });

  it('says so when nothing is computed', () => {
    const report = annualReport(input({ population: undefined, carers: undefined, outcomes: [] }));
    expect(report.indicators).toEqual([]);
    expect(report.notes).toContain('No population health figures have been computed yet.');
  });
});

describe('the PDF', () => {
  it('is a PDF, and the same bytes when made again for the same date', async () => {
    const first = await annualReportPdf(annualReport(input()));
    const again = await annualReportPdf(annualReport(input()));
    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(first.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(first.equals(again)).toBe(true);
    expect(first.toString('latin1')).toContain('(Improving Population Health: Riverside');
    const later = await annualReportPdf(annualReport(input({ asOf: '2025-01-31' })));
    expect(later.equals(first)).toBe(false);
  });
});
