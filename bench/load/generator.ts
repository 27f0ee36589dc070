/**
 * A closed-loop HTTP load generator on undici: `concurrency` workers, each with its own keep-alive connection, send
 * one request, wait for the whole answer, and send the next, for a warm-up and then a measured period. Closed loop
 * means the server's speed sets the rate; latency is from sending to the last byte, so the percentiles are what a
 * caller waiting on each answer sees.
 */
import { Pool } from 'undici';
import type { TreeCpu } from './cpu.js';
import type { Call } from './fixture.js';

export interface LoadOptions {
  readonly origin: string;
  readonly calls: readonly Call[];
  readonly concurrency: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** The server's CPU so far (its own, and its children's: an embedded PostgreSQL), read around the measured period. */
  readonly serverCpu?: () => TreeCpu;
}

export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Answers other than 200, and requests that failed outright. */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly bytes: number;
  /** CPU the generator itself used, as a share of one core: the machine is shared with the server. */
  readonly generatorCpu: number;
  /** Milliseconds of CPU per request: the server process's, and its children's (an embedded PostgreSQL's). */
  readonly serverMsPerRequest: number | undefined;
  readonly childrenMsPerRequest: number | undefined;
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.calls.length === 0) throw new Error('a scenario with no requests to send');
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let errors = 0;
  let bytes = 0;
  const statuses: Record<string, number> = {};
  // Set by the timers below while the workers wait on the server.
  const state = { phase: 'warm-up' as 'warm-up' | 'measuring' | 'stopped' };
  let next = 0;

  const worker = async () => {
    while (state.phase !== 'stopped') {
      const call = options.calls[next++ % options.calls.length] as Call;
      const started = performance.now();
      let status = 'failed';
      try {
        const response = await pool.request({ method: 'GET', path: call.path, headers: call.headers });
        const body = await response.body.arrayBuffer();
        status = String(response.statusCode);
        if (state.phase === 'measuring') bytes += body.byteLength;
      } catch {
        // Counted below as an error: a refused or reset connection is an answer the caller did not get.
      }
      if (state.phase !== 'measuring') continue;
      const elapsed = performance.now() - started;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = elapsed;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== '200') errors++;
    }
  };

  const workers = Array.from({ length: options.concurrency }, worker);
  await new Promise((done) => setTimeout(done, options.warmupSeconds * 1000));
  state.phase = 'measuring';
  const cpuBefore = process.cpuUsage();
  const serverBefore = options.serverCpu?.();
  const started = performance.now();
  await new Promise((done) => setTimeout(done, options.seconds * 1000));
  state.phase = 'stopped';
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = options.serverCpu?.();
  const measured = count;
  await Promise.all(workers);
  await pool.close();
  const sorted = latencies.slice(0, count).sort();
  return {
    requests: count,
    perSecond: count / elapsed,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    errors,
    statuses,
    bytes,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
    serverMsPerRequest:
      serverBefore && serverAfter ? ((serverAfter.own - serverBefore.own) * 1000) / measured : undefined,
    childrenMsPerRequest:
      serverBefore && serverAfter
        ? ((serverAfter.descendants - serverBefore.descendants) * 1000) / measured
        : undefined,
  };
}
