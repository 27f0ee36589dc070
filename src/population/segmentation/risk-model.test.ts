/**
 * The risk model on made-up cells whose admissions follow a known logistic law: the fit recovers the planted odds
 * ratios, a level nobody had is not estimated, the evaluation year is kept apart, and the calibration groups add up
 * to everyone evaluated.
 */
import { describe, expect, it } from 'vitest';
import { modelCellsFollowing } from '../../../test/support/segmentation-fixture.js';
import { fitRiskModel, riskOf } from './risk-model.js';

const cells = () =>
  modelCellsFollowing({
    years: { from: 2018, to: 2021 },
    persons: 5000,
    eta: (c) =>
      -2.5 +
      0.25 * c.band +
      (c.sex === 'male' ? 0.2 : 0) +
      0.1 * (5 - c.imdQuintile) +
      0.5 * c.prior +
      (c.segment === 3 ? 0.4 : 0),
    efiRank: (c) => (c.band >= 3 ? 0 : -1),
  });

describe('fitRiskModel', () => {
  const fitted = fitRiskModel(cells(), { from: 2018, to: 2020 }, 2021);
  if (!fitted.ok) throw new Error(fitted.error);
  const report = fitted.value;
  const term = (feature: string, level: string) =>
    report.terms.find((t) => t.feature === feature && t.level === level);

  it('recovers the planted odds ratios', () => {
    expect(term('Sex', 'Male')?.oddsRatio).toBeCloseTo(Math.exp(0.2), 2);
    expect(term('Age band', '85+')?.oddsRatio).toBeCloseTo(Math.exp(1.25), 1);
    expect(term('IMD quintile', '1 (most deprived)')?.oddsRatio).toBeCloseTo(Math.exp(0.4), 2);
    expect(term('Emergency admissions in the previous 12 months', '1')?.oddsRatio).toBeCloseTo(
      Math.exp(0.5),
      2,
    );
    expect(term('Segment', '3 Acutely ill')?.oddsRatio).toBeCloseTo(Math.exp(0.4), 2);
    const male = term('Sex', 'Male');
    expect(male?.lower95).toBeLessThan(male?.oddsRatio ?? 0);
    expect(male?.upper95).toBeGreaterThan(male?.oddsRatio ?? 0);
  });

  it('leaves out levels nobody had, and keeps the evaluation year apart', () => {
    expect(term('eFI category', 'Severe')?.coefficient).toBeUndefined();
    expect(term('eFI category', 'Severe')?.persons).toBe(0);
    expect(report.training.persons).toBe(3 * 6 * 2 * 5 * 5 * 2 * 5000);
    expect(report.evaluation.persons).toBe(6 * 2 * 5 * 5 * 2 * 5000);
    const calibrated = report.evaluation.calibration.reduce((sum, g) => sum + g.persons, 0);
    expect(calibrated).toBe(report.evaluation.persons);
    expect(report.evaluation.predicted).toBeCloseTo(report.evaluation.admitted, -1);
    expect(report.evaluation.auc).toBeGreaterThan(0.55);
  });

  it("scores a person from the report's own coefficients, as the fit predicted, and names what raises the risk", () => {
    const evaluated = cells().filter((c) => c.year === 2021);
    const predicted = evaluated.reduce((sum, c) => sum + c.persons * riskOf(report, c).risk, 0);
    expect(predicted).toBeCloseTo(report.evaluation.predicted, 6);
    const oldest = evaluated.find(
      (c) => c.band === 5 && c.sex === 'male' && c.imdQuintile === 1 && c.prior === 1,
    );
    if (oldest === undefined) throw new Error('no such cell');
    const { raisedBy } = riskOf(report, oldest);
    expect(raisedBy[0]).toMatchObject({ feature: 'Age band', level: '85+' });
    expect(raisedBy.map((f) => f.oddsRatio)).toEqual(
      [...raisedBy.map((f) => f.oddsRatio)].sort((a, b) => b - a),
    );
    expect(raisedBy.every((f) => f.oddsRatio > 1)).toBe(true);
  });

  it('says why it cannot fit', () => {
    expect(fitRiskModel(cells(), { from: 2018, to: 2021 }, 2021)).toEqual({
      ok: false,
      error: 'the evaluation year must come after the training years',
    });
    expect(fitRiskModel(cells(), { from: 2010, to: 2011 }, 2021).ok).toBe(false);
  });
});
