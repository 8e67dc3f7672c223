/**
 * jest global setup: when a Redis suite (a test file that calls `describeRedis`) is among the files to run and a
 * `redis-server` is on PATH, builds the package if `dist/` is stale (the multi-process tests run it) and starts
 * ONE shared server for the suites that need only a plain one, exporting `REDIS_URL`. Failures do not stop the
 * run: they are exported as reasons, and the Redis suites skip or (with `REQUIRE_REDIS=1`) fail with them.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { BUILD_FAILED_ENV, buildIfStale } from './builtPackage'
import type { RedisServer } from './redisServer'
import { UNAVAILABLE_ENV, redisAvailability, startServer } from './redisServer'

/** Where the global teardown finds the shared server (jest shares `globalThis` between the two, nothing else). */
export const SHARED_SERVER = Symbol.for('best-simple-cache.sharedRedisServer')

export type WithSharedServer = typeof globalThis & { [SHARED_SERVER]?: RedisServer }

const testFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(file)
    return entry.name.endsWith('.test.ts') ? [file] : []
  })

/** The Redis suites jest will run: those that call `describeRedis`, filtered by the command line's path patterns. */
export const redisSuitesToRun = (roots: ReadonlyArray<string>, pathPatterns: ReadonlyArray<string>): Array<string> => {
  const patterns = pathPatterns.map((p) => new RegExp(p, 'i'))
  return roots
    .flatMap(testFiles)
    .filter((file) => patterns.length === 0 || patterns.some((p) => p.test(file)))
    .filter((file) => fs.readFileSync(file, 'utf8').includes('describeRedis('))
}

/** The parts of jest's global and project configs the setup reads. */
interface JestGlobalConfig {
  readonly testPathPatterns: { readonly patterns: ReadonlyArray<string> }
}
interface JestProjectConfig {
  readonly rootDir: string
  readonly roots: ReadonlyArray<string>
}

export default async function globalSetup(globalConfig: JestGlobalConfig, projectConfig: JestProjectConfig): Promise<void> {
  const suites = redisSuitesToRun(projectConfig.roots, globalConfig.testPathPatterns.patterns)
  if (suites.length === 0) return
  const availability = redisAvailability()
  if (!availability.ok) {
    console.warn(`\nRedis suites: ${availability.reason}; they skip, or fail with REQUIRE_REDIS=1`)
    return
  }
  const build = buildIfStale(projectConfig.rootDir)
  if (build.failure !== undefined) {
    process.env[BUILD_FAILED_ENV] = build.failure
    console.warn(`\n${build.failure}`)
  }
  try {
    const server = await startServer({ binary: availability.binary })
    ;(globalThis as WithSharedServer)[SHARED_SERVER] = server
    process.env['REDIS_URL'] = server.url
  } catch (error) {
    process.env[UNAVAILABLE_ENV] = `the shared redis-server did not start: ${error instanceof Error ? error.message : String(error)}`
    console.warn(`\n${process.env[UNAVAILABLE_ENV]}`)
  }
}
