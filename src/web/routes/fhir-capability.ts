/**
 * @module web/routes/fhir-capability
 * What the FHIR API does, for clients to discover: the CapabilityStatement at /fhir/metadata, built from the
 * search parameter table the record indexes, so it can never promise a parameter the record does not support.
 */
import type { ParameterTable } from '../../record/index.js';

export /** What the API does, for clients to discover (FHIR's CapabilityStatement). */
function capabilityStatement(base: string, table: ParameterTable) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-24',
    publisher: 'Accord',
    kind: 'instance',
    software: { name: 'Accord shared care record' },
    implementation: { description: 'The partnership shared care record', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            "Bearer tokens issued to partner systems: record:write to send the organisation's resources, record:read to read them back.",
        },
        resource: [...table.keys()].sort().map((type) => ({
          type,
          versioning: 'versioned',
          readHistory: true,
          updateCreate: true,
          conditionalCreate: true,
          conditionalDelete: 'not-supported',
          interaction: ['read', 'vread', 'update', 'delete', 'history-instance', 'create', 'search-type'].map(
            (code) => ({ code }),
          ),
          searchParam: [
            { name: '_id', type: 'token' },
            { name: '_lastUpdated', type: 'date' },
            ...[...(table.get(type)?.values() ?? [])].map((parameter) => ({
              name: parameter.code,
              type: parameter.type,
            })),
          ],
          ...(type === 'Patient'
            ? {
                operation: [
                  {
                    name: 'everything',
                    definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
                  },
                  { name: 'match', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match' },
                ],
              }
            : {}),
          searchInclude: [...(table.get(type)?.values() ?? [])]
            .filter((parameter) => parameter.type === 'reference')
            .map((parameter) => `${type}:${parameter.code}`),
        })),
        // Bundles at the base address: a batch runs each entry on its own; a transaction all or none.
        interaction: [{ code: 'batch' }, { code: 'transaction' }],
        // Bulk Data import ("ping and pull", after the HL7 proposal): the partner's own NDJSON files, read from its
        // folder on this server, never fetched; asynchronous, polled at $import-status (docs/record.md).
        operation: [
          {
            name: 'import',
            definition: 'https://accord.example/fhir/OperationDefinition/import',
            documentation:
              "POST [base]/$import with Prefer: respond-async and a Parameters resource (inputFormat application/fhir+ndjson, inputSource, an input with type and url for each file); the files must be in the organisation's import folder on this server. Poll the Content-Location ($import-status).",
          },
        ],
      },
    ],
  };
}
