/**
 * @module identity/index/model-store
 * The linkage model as stored (table identity_model): its numbers — m, u, λ and the name frequencies — with the
 * labels of the comparison levels they were estimated for. The levels themselves are code (comparisons.ts), so a
 * stored model is read back against the code's levels, and refused when they differ: a level added, removed or
 * reordered would otherwise silently give every pair the wrong weights.
 */
import { err, ok, type Result } from '../../core/result.js';
import type { Comparison } from '../linkage/comparisons.js';
import type { LinkageModel } from '../linkage/model.js';
import type { Queryable } from '../../store/database.js';

export interface StoredModel {
  readonly levels: readonly { readonly field: string; readonly labels: readonly string[] }[];
  readonly m: readonly (readonly number[])[];
  readonly u: readonly (readonly number[])[];
  readonly lambda: number;
  readonly termFrequencies: {
    readonly forename: readonly (readonly [string, number])[];
    readonly surname: readonly (readonly [string, number])[];
  };
}

export function storedModel(model: LinkageModel): StoredModel {
  return {
    levels: model.comparisons.map((c) => ({ field: c.field, labels: c.levels.map((l) => l.label) })),
    m: model.m,
    u: model.u,
    lambda: model.lambda,
    termFrequencies: {
      forename: [...(model.termFrequencies?.forename ?? new Map<string, number>())],
      surname: [...(model.termFrequencies?.surname ?? new Map<string, number>())],
    },
  };
}

const describeLevels = (levels: StoredModel['levels']) =>
  levels.map((c) => `${c.field} (${c.labels.join(', ')})`).join('; ');

/** The model for the code's comparisons, or why the stored numbers do not fit them. */
export function modelFromStored(
  stored: StoredModel,
  comparisons: readonly Comparison[],
): Result<LinkageModel, string> {
  const expected = comparisons.map((c) => ({ field: c.field, labels: c.levels.map((l) => l.label) }));
  if (JSON.stringify(expected) !== JSON.stringify(stored.levels)) {
    return err(
      `the stored linkage model was estimated for other comparison levels (${describeLevels(stored.levels)}) than ` +
        `this version of Accord uses (${describeLevels(expected)}); estimate a new model with \`accord identity train\``,
    );
  }
  const shapeOk = (table: StoredModel['m']) =>
    table.length === expected.length &&
    table.every((row, c) => row.length === expected[c]?.labels.length && row.every((p) => p > 0 && p <= 1));
  if (!shapeOk(stored.m) || !shapeOk(stored.u) || !(stored.lambda > 0 && stored.lambda < 1)) {
    return err(
      'the stored linkage model is damaged (a probability is missing or outside (0, 1]); estimate a new one',
    );
  }
  return ok({
    comparisons,
    m: stored.m,
    u: stored.u,
    lambda: stored.lambda,
    termFrequencies: {
      forename: new Map(stored.termFrequencies.forename),
      surname: new Map(stored.termFrequencies.surname),
    },
  });
}

export async function saveModel(
  tx: Queryable,
  model: LinkageModel,
  trainedOn: number,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    'INSERT INTO identity_model (parameters, trained_on, created_at) VALUES ($1, $2, $3) RETURNING id',
    [JSON.stringify(storedModel(model)), trainedOn, at],
  );
  return Number(row?.id);
}

/** The newest stored model, read against the code's comparisons; undefined when none has been estimated yet. */
export async function loadModel(
  db: Queryable,
  comparisons: readonly Comparison[],
): Promise<Result<{ id: number; model: LinkageModel } | undefined, string>> {
  const [row] = await db.query<{ id: string; parameters: StoredModel }>(
    'SELECT id, parameters FROM identity_model ORDER BY id DESC LIMIT 1',
  );
  if (row === undefined) return ok(undefined);
  const model = modelFromStored(row.parameters, comparisons);
  return model.ok ? ok({ id: Number(row.id), model: model.value }) : model;
}
