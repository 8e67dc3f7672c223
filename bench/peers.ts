/**
 * Loads the peer libraries. Several are ESM-only, so every peer is loaded with a real dynamic `import()`: the
 * `Function` constructor keeps TypeScript (and ts-node) from rewriting it into `require()`, which cannot load ESM on
 * older Node versions. A peer that fails to load is reported, never silently dropped: its rows are left out of the
 * tables and the reason appears in the output and in docs/benchmarks.md.
 */
import * as fs from 'fs'
import * as path from 'path'

const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>

export interface PeerStatus {
  readonly name: string
  readonly version: string | undefined
  readonly error: string | undefined
}

export interface Peers {
  readonly lruCache: typeof import('lru-cache') | undefined
  readonly mnemonist: typeof import('mnemonist') | undefined
  readonly pMemoize: typeof import('p-memoize', { with: { 'resolution-mode': 'import' } }) | undefined
  readonly asyncCacheDedupe: typeof import('async-cache-dedupe') | undefined
  readonly cacheManager: typeof import('cache-manager', { with: { 'resolution-mode': 'import' } }) | undefined
  readonly cachified: typeof import('@epic-web/cachified') | undefined
  readonly effect: typeof import('effect', { with: { 'resolution-mode': 'import' } }) | undefined
  /** bentocache and its Redis driver (an entry of its own), for R5. */
  readonly bentocache:
    | {
        readonly core: typeof import('bentocache', { with: { 'resolution-mode': 'import' } })
        readonly redis: typeof import('bentocache/drivers/redis', { with: { 'resolution-mode': 'import' } })
      }
    | undefined
  readonly status: ReadonlyArray<PeerStatus>
}

const versionOf = (name: string): string | undefined => {
  try {
    // the package of a subpath import (`bentocache/drivers/redis`)
    const parts = name.split('/').slice(0, name.startsWith('@') ? 2 : 1)
    const file = path.join(__dirname, 'node_modules', ...parts, 'package.json')
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

const describeError = (e: unknown): string =>
  e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message.split('\n')[0]}` : String(e)

export const loadPeers = async (): Promise<Peers> => {
  const status: Array<PeerStatus> = []
  const load = async <M>(name: string, check: (m: M) => boolean): Promise<M | undefined> => {
    try {
      const m = (await importEsm(name)) as M
      if (!check(m)) throw new Error('loaded, but the expected export is missing')
      status.push({ name, version: versionOf(name), error: undefined })
      return m
    } catch (e) {
      status.push({ name, version: versionOf(name), error: describeError(e) })
      return undefined
    }
  }
  const lruCache = await load<typeof import('lru-cache')>('lru-cache', (m) => typeof m.LRUCache === 'function')
  const mnemonist = await load<typeof import('mnemonist')>('mnemonist', (m) => typeof m.LRUMap === 'function')
  const pMemoize = await load<typeof import('p-memoize', { with: { 'resolution-mode': 'import' } })>('p-memoize', (m) => typeof m.default === 'function')
  const asyncCacheDedupe = await load<typeof import('async-cache-dedupe')>(
    'async-cache-dedupe',
    (m) => typeof m.createCache === 'function'
  )
  const cacheManager = await load<typeof import('cache-manager', { with: { 'resolution-mode': 'import' } })>(
    'cache-manager',
    (m) => typeof m.createCache === 'function'
  )
  const cachified = await load<typeof import('@epic-web/cachified')>(
    '@epic-web/cachified',
    (m) => typeof m.cachified === 'function'
  )
  const effect = await load<typeof import('effect', { with: { 'resolution-mode': 'import' } })>(
    'effect',
    (m) => typeof m.Cache?.make === 'function' && typeof m.Effect?.runPromise === 'function'
  )
  const bentoCore = await load<typeof import('bentocache', { with: { 'resolution-mode': 'import' } })>(
    'bentocache',
    (m) => typeof m.BentoCache === 'function' && typeof m.bentostore === 'function'
  )
  // its Redis driver imports ioredis, which it finds in the repository's node_modules (our version, 6.0.0)
  const bentoRedis = await load<typeof import('bentocache/drivers/redis', { with: { 'resolution-mode': 'import' } })>(
    'bentocache/drivers/redis',
    (m) => typeof m.redisDriver === 'function'
  )
  const bentocache = bentoCore === undefined || bentoRedis === undefined ? undefined : { core: bentoCore, redis: bentoRedis }
  return { lruCache, mnemonist, pMemoize, asyncCacheDedupe, cacheManager, cachified, effect, bentocache, status }
}
