/**
 * The built package (`dist/`) for tests that run it in child processes: whether it is missing or older than the
 * sources, and building it once (the jest global setup does, before the Redis suites).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { spawnSync } from 'node:child_process'

/** The built file the multi-process tests load (the redis entry; the core is beside it). */
export const DIST_ENTRY = 'dist/cjs/redis.cjs'

/** Set by the global setup when `npm run build` failed; tests that need `dist/` report it. */
export const BUILD_FAILED_ENV = 'BSC_BUILD_FAILED'

const newestMtime = (dir: string): number =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .map((entry) => {
      const file = path.join(dir, entry.name)
      return entry.isDirectory() ? newestMtime(file) : fs.statSync(file).mtimeMs
    })
    .reduce((a, b) => Math.max(a, b), 0)

/** Whether `DIST_ENTRY` is missing or older than the newest file under `lib/`. */
export const isDistStale = (root: string): boolean => {
  const entry = path.join(root, DIST_ENTRY)
  if (!fs.existsSync(entry)) return true
  return fs.statSync(entry).mtimeMs < newestMtime(path.join(root, 'lib'))
}

/** Runs `npm run build` in `root` when the dist is stale; returns the tail of its output when it fails. */
export const buildIfStale = (root: string): { readonly built: boolean; readonly failure?: string } => {
  if (!isDistStale(root)) return { built: false }
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (result.status === 0) return { built: true }
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n')
  return { built: false, failure: `npm run build failed (${result.status ?? result.signal}):\n${output}` }
}

/** The absolute path of `DIST_ENTRY` for a child process to load; throws when the global setup's build failed. */
export const builtEntry = (root: string, env: NodeJS.ProcessEnv = process.env): string => {
  const failure = env[BUILD_FAILED_ENV]
  if (failure !== undefined && failure !== '') throw new Error(failure)
  const entry = path.join(root, DIST_ENTRY)
  if (!fs.existsSync(entry)) throw new Error(`${DIST_ENTRY} is missing: run npm run build`)
  return entry
}
