/**
 * How the laws of the test kit are made and registered: a law is a name and an async function that throws a
 * descriptive `Error`; a law drawn from a seed runs its body once per scenario, each with its own `Random`, and a
 * failure names the law, the seed and the scenario so that it can be replayed.
 *
 * @internal
 * @since 0.2.0
 */
import type { Law, LawsOptions, TestFramework } from '../../testing'
import { seedOf, seeded } from './random'
import type { Random } from './random'

/** The settings of one suite: the seed and how many scenarios a drawn law runs. @internal */
export interface Settings {
  readonly seed: number
  readonly runs: number
}

const DEFAULT_SEED = 1
const DEFAULT_RUNS = 50

/** The settings `options` ask for; a bad one (a constant of the test program) throws a `RangeError`. @internal */
export const settingsOf = (options: LawsOptions = {}): Settings => {
  const { seed = DEFAULT_SEED, runs = DEFAULT_RUNS } = options
  if (!Number.isInteger(seed)) throw new RangeError(`storeLaws: seed must be an integer, got ${String(seed)}`)
  if (!(Number.isInteger(runs) && runs >= 1)) throw new RangeError(`storeLaws: runs must be an integer >= 1, got ${String(runs)}`)
  return { seed, runs }
}

const rethrown = (prefix: string, e: unknown): Error =>
  new Error(`${prefix}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })

/** A law checked once (its body draws nothing). @internal */
export const once = (id: string, name: string, body: () => Promise<void>): Law => ({
  id,
  name: `${id}: ${name}`,
  run: () =>
    body().then(undefined, (e: unknown) => {
      throw rethrown(id, e)
    })
})

/** A law checked over `settings.runs` scenarios, each drawn from its own seed. @internal */
export const drawn = (id: string, name: string, settings: Settings, body: (random: Random, run: number) => Promise<void>): Law => ({
  id,
  name: `${id}: ${name}`,
  run: async () => {
    for (let run = 0; run < settings.runs; run++) {
      try {
        await body(seeded(seedOf(settings.seed, run)), run)
      } catch (e) {
        throw rethrown(`${id} (seed ${settings.seed}, scenario ${run + 1} of ${settings.runs})`, e)
      }
    }
  }
})

/** @internal */
export const describeLaws = (title: string, laws: ReadonlyArray<Law>, framework: TestFramework): void => {
  void framework.describe(title, () => {
    for (const law of laws) void framework.it(law.name, law.run)
  })
}
