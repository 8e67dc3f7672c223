/**
 * Figures that fault tests print against their goals (a shared machine is noisy, so the tests assert only bounds
 * far from the goals, and print the figure with whether it met its goal).
 */

/** The `q` quantile of `xs` (nearest rank), or `NaN` for none. */
export const quantile = (xs: ReadonlyArray<number>, q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

export const ms = (x: number): string => `${x.toFixed(1)} ms`

/** Prints `name: figure (goal target): met` (or `NOT MET`). */
export const goal = (name: string, figure: string, met: boolean, target: string): void =>
  console.log(`${name}: ${figure} (goal ${target}): ${met ? 'met' : 'NOT MET'}`)
