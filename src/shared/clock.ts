/** Time is passed in, never read inside core logic; this is the one place that reads it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
