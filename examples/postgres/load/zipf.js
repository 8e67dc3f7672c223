/**
 * Ids 1..n drawn with P(id = k) proportional to 1 / k^s: a few ids are hot, most are rarely asked for, as the
 * rows of a real table are. Built once (a table of cumulative weights), then a binary search per draw.
 *
 * @param {number} n
 * @param {number} s the exponent (1 is the classic zipf law)
 * @param {() => number} random numbers in [0, 1)
 * @returns {() => number}
 */
export const zipf = (n, s, random) => {
  const cumulative = new Float64Array(n)
  let total = 0
  for (let k = 1; k <= n; k++) {
    total += 1 / Math.pow(k, s)
    cumulative[k - 1] = total
  }
  return () => {
    const u = random() * total
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid] < u) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
}
