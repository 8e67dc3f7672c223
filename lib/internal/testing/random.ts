/**
 * A small seeded pseudo-random generator (mulberry32: 32 bits of state, a period of 2^32), so that every schedule
 * the test kit draws (delays, failures, scenarios) is the same for the same seed on every run and every runtime.
 * It is for tests, not for anything that needs unpredictable numbers.
 *
 * @internal
 * @since 0.2.0
 */

/** @internal */
export interface Random {
  /** A number in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max], both included. */
  readonly int: (min: number, max: number) => number
  /** `true` with probability `p`. */
  readonly chance: (p: number) => boolean
  /** One element of a non-empty array. */
  readonly pick: <A>(as: ReadonlyArray<A>) => A
}

/** @internal */
export const seeded = (seed: number): Random => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (p) => p > 0 && next() < p,
    pick: (as) => as[int(0, as.length - 1)] as (typeof as)[number]
  }
}

/** A seed for the `run`-th scenario of a law, spread over the 32-bit range so neighbouring runs differ. @internal */
export const seedOf = (seed: number, run: number): number => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + run * 0x27d4eb2f) >>> 0
