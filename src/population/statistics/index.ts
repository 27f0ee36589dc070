/**
 * @module population/statistics
 * The statistics of public health indicators, as a library of pure functions checked against published worked
 * examples (docs/statistics.md): directly standardised rates with Dobson limits, Byar's and exact Poisson limits,
 * Wilson intervals for proportions, indirectly standardised ratios, the slope and relative indices of inequality,
 * life expectancy (Chiang II with Silcocks' variance), and benchmarking with polarity. No I/O; errors are values.
 */
export * from './benchmark.js';
export * from './distributions.js';
export * from './dsr.js';
export * from './inequality.js';
export * from './interval.js';
export * from './isr.js';
export * from './life-expectancy.js';
export * from './poisson.js';
export * from './standard-population.js';
export * from './wilson.js';
