/** Helpers shared by the measure modules. */
import type { Case } from '../harness'
import { sampleCases } from '../harness'
import type { Config, MeasureData, PassRow } from '../model'

/** One pass of interleaved, timed samples over `cases`. */
export const timed =
  (cases: ReadonlyArray<Case>, cfg: Config) =>
  async (): Promise<ReadonlyArray<PassRow>> => {
    const r = await sampleCases(cases, {
      samples: cfg.samples,
      warmup: cfg.warmup,
      batchMs: cfg.batchMs,
      ...(cfg.fixedBatch === undefined ? {} : { fixedBatch: cfg.fixedBatch })
    })
    return cases.map((c, i) => ({ name: c.name, role: c.role, batch: r[i]!.batch, samples: r[i]!.samples }))
  }

/** `data[field]` of every process, as a record of numbers, added up key by key. */
export const sumRecords = (data: ReadonlyArray<MeasureData>, field: string): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const d of data) {
    const r = (d[field] ?? {}) as Record<string, number>
    for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v
  }
  return out
}

/** `data[field]` of every process, a number, added up. */
export const sumField = (data: ReadonlyArray<MeasureData>, field: string): number =>
  data.reduce((acc, d) => acc + ((d[field] as number | undefined) ?? 0), 0)
