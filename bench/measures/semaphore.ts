/**
 * The keyed semaphore on its own (no goal; measured so a regression shows): an uncontended
 * acquire/release around an already-resolved TaskEither, and a contended key with many waiters. The floor is the
 * same task run without the semaphore.
 */
import type { Either } from 'fp-ts/Either'
import { KeyedSemaphore } from '../../lib'
import type { Case } from '../harness'
import { blackhole } from '../harness'
import type { Config, MeasureData, MeasureSpec } from '../model'
import { sumField, timed } from './common'

const done: Promise<Either<never, number>> = Promise.resolve({ _tag: 'Right', right: 1 })
const task = (): Promise<Either<never, number>> => done

const leaksFact = (data: ReadonlyArray<MeasureData>): Array<string> => {
  const n = sumField(data, 'leaks')
  return [n === 0 ? 'the semaphore held no key after every batch' : `the semaphore still held a key after ${n} batches`]
}

export const semaphoreMeasures = (cfg: Config): ReadonlyArray<MeasureSpec> => {
  const W = cfg.waiters
  const floor2 = `floor: ${W} concurrent task() without a semaphore`
  return [
    {
      id: 'S1',
      title: 'keyed semaphore, uncontended acquire/release (already-resolved TaskEither)',
      unit: 'ns/op',
      reference: 'floor: await task()',
      goals: [],
      notes: ['One key, one caller at a time; no goal (informational).'],
      summarize: leaksFact,
      build: () => {
        const sem = KeyedSemaphore.unsafeMake()
        const leaks = { count: 0 }
        const cases: Array<Case> = [
          {
            name: "ours: await sem.withPermit('k')(task)()",
            role: 'ours',
            run: async (n) => {
              let s = 0
              for (let i = 0; i < n; i++) {
                const r = await sem.withPermit('k')(task)()
                if (r._tag === 'Right') s += r.right
              }
              if (sem.size() !== 0) leaks.count++
              blackhole.value += s
            }
          },
          {
            name: 'floor: await task()',
            role: 'floor',
            run: async (n) => {
              let s = 0
              for (let i = 0; i < n; i++) {
                const r = await task()
                if (r._tag === 'Right') s += r.right
              }
              blackhole.value += s
            }
          }
        ]
        return { pass: timed(cases, cfg), data: (): MeasureData => ({ leaks: leaks.count }) }
      }
    },
    {
      id: 'S2',
      title: `keyed semaphore, contended: ${W} waiters on one key`,
      unit: 'ns/waiter',
      reference: floor2,
      goals: [],
      notes: [
        `Each round starts ${W} withPermit calls on one key (one holds the permit, the rest queue FIFO) and awaits them all; time per waiter. No goal (informational).`
      ],
      summarize: leaksFact,
      build: () => {
        const sem = KeyedSemaphore.unsafeMake()
        const leaks = { count: 0 }
        const cases: Array<Case> = [
          {
            name: `ours: ${W} concurrent withPermit on one key`,
            role: 'ours',
            opsPerUnit: W,
            run: async (n) => {
              const ps = new Array<Promise<Either<never, number>>>(W)
              let s = 0
              for (let i = 0; i < n; i++) {
                for (let w = 0; w < W; w++) ps[w] = sem.withPermit('c')(task)()
                const rs = await Promise.all(ps)
                for (const r of rs) if (r._tag === 'Right') s += r.right
              }
              if (sem.size() !== 0) leaks.count++
              blackhole.value += s
            }
          },
          {
            name: floor2,
            role: 'floor',
            opsPerUnit: W,
            run: async (n) => {
              const ps = new Array<Promise<Either<never, number>>>(W)
              let s = 0
              for (let i = 0; i < n; i++) {
                for (let w = 0; w < W; w++) ps[w] = task()
                const rs = await Promise.all(ps)
                for (const r of rs) if (r._tag === 'Right') s += r.right
              }
              blackhole.value += s
            }
          }
        ]
        return { pass: timed(cases, cfg), data: (): MeasureData => ({ leaks: leaks.count }) }
      }
    }
  ]
}
