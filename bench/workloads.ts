/**
 * Deterministic inputs shared by every contender of a measure: key strings, random index streams and the zipf
 * stream of the mixed workload. Everything is generated once, before any timing, from a fixed seed, so every
 * contender sees exactly the same keys in the same order and no contender pays for making them.
 */

/** mulberry32: a small, fast, seeded PRNG; good enough to shuffle keys and draw a workload. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` distinct key strings `prefix` `separator` `0` .. `n-1` (`k:0`, or `k0` with an empty separator). */
export const makeKeys = (prefix: string, n: number, separator = ':'): Array<string> => {
  const keys = new Array<string>(n)
  for (let i = 0; i < n; i++) keys[i] = `${prefix}${separator}${i}`
  return keys
}

/** A stream of `length` indices drawn uniformly from `[0, n)`. */
export const uniformStream = (n: number, length: number, seed: number): Uint32Array => {
  const rnd = prng(seed)
  const out = new Uint32Array(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(rnd() * n)
  return out
}

/**
 * The mixed workload: `length` operations over `n` keys whose popularity follows a zipf law with exponent `s`
 * (rank r is drawn with probability proportional to 1 / r^s). `keys[i]` is the key index of operation i (ranks are
 * shuffled onto key indices, so the hottest keys are not the first ones made) and `isSet[i]` is 1 for a set
 * (probability `setFraction`), 0 for a get.
 */
export const zipfStream = (
  n: number,
  s: number,
  length: number,
  setFraction: number,
  seed: number
): { readonly keys: Uint32Array; readonly isSet: Uint8Array } => {
  const rnd = prng(seed)
  const cdf = new Float64Array(n)
  let total = 0
  for (let r = 0; r < n; r++) {
    total += 1 / Math.pow(r + 1, s)
    cdf[r] = total
  }
  // rank -> key index: a Fisher-Yates shuffle
  const perm = new Uint32Array(n)
  for (let i = 0; i < n; i++) perm[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    const t = perm[i]!
    perm[i] = perm[j]!
    perm[j] = t
  }
  const keys = new Uint32Array(length)
  const isSet = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    const u = rnd() * total
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid]! < u) lo = mid + 1
      else hi = mid
    }
    keys[i] = perm[lo]!
    isSet[i] = rnd() < setFraction ? 1 : 0
  }
  return { keys, isSet }
}
