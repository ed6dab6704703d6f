/**
 * Time, injected: every module that needs "now" takes a Clock, so tests move time instead of
 * sleeping (STYLE.md, "thin I/O at the edges").
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
