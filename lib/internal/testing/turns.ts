/**
 * Latency without time: a delay of `n` turns settles after `n` more hops through the microtask queue. Two
 * operations given different delays complete in the other order, deterministically, with no timer and no wall
 * clock, and in any runtime.
 *
 * @internal
 * @since 0.2.0
 */

const noop = (): void => undefined

/** A promise that resolves after `n` microtask turns (`0`: on the next one). @internal */
export const turns = (n: number): Promise<void> => {
  let p = Promise.resolve()
  for (let i = 0; i < n; i++) p = p.then(noop)
  return p
}
