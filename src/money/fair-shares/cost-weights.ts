/**
 * @module money/fair-shares/cost-weights
 * The weights of the fair-shares model, read from `reference/money/cost-weights.yaml`: relative cost per head by age
 * band and sex, the deprivation gradient across national IMD quintiles, and the relative cost of multimorbidity —
 * each with the id of a source listed in the same file. Every problem (YAML, schema, a band that does not start on
 * one of the analytic store's age bands, a gap or overlap between bands, a source id not listed) comes back as an
 * Issue with its file and line, never an exception.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readYamlFile } from '../../core/input-file.js';
import { referenceDir } from '../../core/paths.js';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';

export const COST_WEIGHTS_FILE = join(referenceDir, 'money', 'cost-weights.yaml');

const Weight = z.number().positive().max(100);
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be an id (lower-case letters, digits, hyphens)');

const Band = z.strictObject({
  from: z.number().int().min(0).max(120),
  to: z.number().int().min(0).max(120).optional(),
  male: Weight,
  female: Weight,
});

const Source = z.strictObject({
  id: Id,
  title: z.string().min(1),
  publisher: z.string().min(1),
  url: z.url(),
  /** The date of publication, where the source states it to the day (otherwise the year is in `publisher`). */
  published: z.union([z.iso.date(), z.date().transform((d) => d.toISOString().slice(0, 10))]).optional(),
  note: z.string().min(1),
});

const CostWeightsSchema = z.strictObject({
  ageSex: z.strictObject({ source: Id, bands: z.array(Band).min(1) }),
  deprivation: z.strictObject({
    source: Id,
    /** The measure (admissions per 100,000) in national IMD quintile 1, the most deprived. */
    mostDeprived: z.number().positive(),
    /** The same measure in quintile 5, the least deprived. */
    leastDeprived: z.number().positive(),
  }),
  multimorbidity: z.strictObject({
    source: Id,
    minimumConditions: z.number().int().min(1).max(20),
    ratio: z.number().min(1).max(20),
  }),
  sources: z.array(Source).min(1),
});

export type CostWeightsFile = z.output<typeof CostWeightsSchema>;
export type AgeSexBand = CostWeightsFile['ageSex']['bands'][number];
export type CostSource = CostWeightsFile['sources'][number];

/** The weights as the model uses them. */
export interface CostWeights {
  readonly ageSex: { readonly source: string; readonly bands: readonly AgeSexBand[] };
  readonly deprivation: {
    readonly source: string;
    readonly mostDeprived: number;
    readonly leastDeprived: number;
    /** The index of quintiles 1 to 5 (1 = most deprived), relative to quintile 5. */
    readonly byQuintile: readonly number[];
  };
  readonly multimorbidity: {
    readonly source: string;
    readonly minimumConditions: number;
    readonly ratio: number;
  };
  readonly sources: readonly CostSource[];
}

/** The analytic store's age bands start at these ages (<1, 1–4, 5–9, …, 90+): a weight band must start on one. */
const STORE_BAND_STARTS = new Set([0, 1, ...Array.from({ length: 18 }, (_, i) => 5 * (i + 1))]);

/** The deprivation index of quintiles 1 to 5: linear from mostDeprived/leastDeprived down to 1. */
export function quintileIndices(mostDeprived: number, leastDeprived: number): number[] {
  const top = mostDeprived / leastDeprived;
  return [1, 2, 3, 4, 5].map((q) => top + ((q - 1) / 4) * (1 - top));
}

/** Cross-checks of a file that passed its schema: bands in order without gaps, sources listed and unique. */
export function checkCostWeights(
  data: CostWeightsFile,
  file: string,
  locate: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): Result<CostWeights, Issue[]> {
  const issues: Issue[] = [];
  const at = (path: readonly PropertyKey[], message: string) => {
    const line = locate(path);
    issues.push({ file, ...(line === undefined ? {} : { line }), path: path.map(String).join('.'), message });
  };
  const bands = data.ageSex.bands;
  bands.forEach((band, i) => {
    if (i === 0 && band.from !== 0) at(['ageSex', 'bands', i, 'from'], 'the first band must start at age 0');
    if (!STORE_BAND_STARTS.has(band.from)) {
      at(
        ['ageSex', 'bands', i, 'from'],
        `${band.from} is not where one of the analytic store's age bands starts (0, 1, 5, 10, …, 90)`,
      );
    }
    const next = bands[i + 1];
    if (next === undefined) {
      if (band.to !== undefined) at(['ageSex', 'bands', i, 'to'], 'the last band must be open (no `to`)');
    } else if (band.to === undefined) {
      at(['ageSex', 'bands', i, 'to'], 'only the last band may be open: give `to`');
    } else if (band.to < band.from) {
      at(['ageSex', 'bands', i, 'to'], `${band.to} is below the band's start ${band.from}`);
    } else if (next.from !== band.to + 1) {
      at(['ageSex', 'bands', i + 1, 'from'], `must be ${band.to + 1}, the age after the band before ends`);
    }
  });
  if (data.deprivation.mostDeprived < data.deprivation.leastDeprived) {
    at(['deprivation', 'mostDeprived'], 'is below leastDeprived: the gradient runs the wrong way');
  }
  const ids = new Set<string>();
  data.sources.forEach((source, i) => {
    if (ids.has(source.id)) at(['sources', i, 'id'], `${source.id} is listed twice`);
    ids.add(source.id);
  });
  const cited: [readonly PropertyKey[], string][] = [
    [['ageSex', 'source'], data.ageSex.source],
    [['deprivation', 'source'], data.deprivation.source],
    [['multimorbidity', 'source'], data.multimorbidity.source],
  ];
  for (const [path, id] of cited) {
    if (!ids.has(id)) at(path, `source ${id} is not listed under sources`);
  }
  if (issues.length > 0) return err(issues);
  return ok({
    ageSex: data.ageSex,
    deprivation: {
      ...data.deprivation,
      byQuintile: quintileIndices(data.deprivation.mostDeprived, data.deprivation.leastDeprived),
    },
    multimorbidity: data.multimorbidity,
    sources: data.sources,
  });
}

/** Reads and checks the weights file (by default Accord's own, reference/money/cost-weights.yaml). */
export function loadCostWeights(path: string = COST_WEIGHTS_FILE): Result<CostWeights, Issue[]> {
  const issues: Issue[] = [];
  const label = path === COST_WEIGHTS_FILE ? 'reference/money/cost-weights.yaml' : path;
  const read = readYamlFile(
    path,
    label,
    CostWeightsSchema,
    'is missing: the fair-shares cost weights are defined there',
    issues,
  );
  if (read === undefined) return err(issues);
  return checkCostWeights(read.data, label, read.locate);
}

/** The age and sex weight of a person of `age` (completed years) and `sex` ('male', 'female' or other). */
export function ageSexWeight(bands: readonly AgeSexBand[], age: number, sex: string): number {
  let band = bands[0];
  for (const candidate of bands) if (candidate.from <= age) band = candidate;
  if (band === undefined) throw new Error('no age bands');
  if (sex === 'male') return band.male;
  if (sex === 'female') return band.female;
  return (band.male + band.female) / 2;
}
