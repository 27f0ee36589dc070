/**
 * What the FHIR API's tests share: a free loopback port to listen on (the server's public address must be known
 * before it starts, since paging links are absolute), and a failed client call's status and OperationOutcome.
 */
import { createServer } from 'node:net';

export interface Outcome {
  resourceType: string;
  issue: { severity: string; code: string; expression?: string[]; diagnostics?: string }[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

/** A failed fhir-kit-client call's status and OperationOutcome; throws when the call succeeds. */
export async function failure(call: Promise<unknown>): Promise<{ status: number; outcome: Outcome }> {
  try {
    await call;
  } catch (error) {
    const e = error as { response?: { status: number; data: Outcome } };
    if (e.response !== undefined) return { status: e.response.status, outcome: e.response.data };
    throw error;
  }
  throw new Error('the call succeeded');
}
