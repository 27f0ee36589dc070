/**
 * @module access/clock
 * Time, passed in rather than read from the wall: sessions, lock-outs and tokens all expire, and tests must be able to
 * move time on without waiting for it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
