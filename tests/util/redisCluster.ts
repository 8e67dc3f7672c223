/**
 * A throwaway Redis Cluster for the cluster suites: three masters (no replicas) on free loopback ports, each a
 * `redis-server` of `startServer` (its own temporary folder, no persistence) started with cluster mode on, then
 * joined by `redis-cli --cluster create` and polled until every node says `cluster_state:ok`.
 *
 * - `kill(port)` is a crash (SIGKILL); `restart(port)` starts the node again on the same ports with the same
 *   `nodes.conf`, so it rejoins the cluster as the master of its slots (with no data).
 * - `slotOwner(key)` answers which node serves a key, from `CLUSTER KEYSLOT` and `CLUSTER SLOTS` asked of a live
 *   node (a killed master still owns its slots: there is no replica to take them over).
 * - `describeRedisCluster(name, fn)` is `describeRedis` for suites that need `redis-cli` too.
 *
 * The harness talks to the nodes with its own RESP client, never with the clients under test.
 */
import { spawn } from 'node:child_process'
import type { RedisAvailability, RedisServer } from './redisServer'
import { UNAVAILABLE_ENV, describeNeeding, findExecutable, freePort, redisAvailability, startServer } from './redisServer'
import { respCommand } from './respClient'
import type { RespValue } from './respClient'

// -------------------------------------------------------------------------------------
// availability
// -------------------------------------------------------------------------------------

/** Whether cluster suites can run here: `redis-server` and `redis-cli` on PATH (Debian: redis-tools). */
export const redisClusterAvailability = (env: NodeJS.ProcessEnv = process.env): RedisAvailability => {
  const server = redisAvailability({ ...env, [UNAVAILABLE_ENV]: '' }) // the shared server is not used here
  if (!server.ok) return server
  return findExecutable('redis-cli', env) === undefined
    ? { ok: false, reason: 'redis-cli is not on PATH (Debian: apt-get install -y redis-tools)' }
    : server
}

/** `describeRedis` for a suite that starts a cluster: skipped, or failed with `REQUIRE_REDIS=1`, without the binaries. */
export const describeRedisCluster = (name: string, fn: () => void, env: NodeJS.ProcessEnv = process.env): void =>
  describeNeeding(redisClusterAvailability(env), name, fn, env)

// -------------------------------------------------------------------------------------
// cluster
// -------------------------------------------------------------------------------------

export interface ClusterNode {
  readonly port: number
  /** The process id of the node now running (it changes on `restart`; throws while killed). */
  readonly pid: number
}

export interface RedisCluster {
  readonly nodes: ReadonlyArray<ClusterNode>
  /** SIGKILL of the node on `port`, as a crash; resolves when the process is gone. */
  readonly kill: (port: number) => Promise<void>
  /** Starts the node on `port` again with its `nodes.conf`; resolves once it answers PING (not yet `cluster_state:ok`). */
  readonly restart: (port: number) => Promise<void>
  /** The port of the master that serves `key`. */
  readonly slotOwner: (key: string) => Promise<number>
  /** Resolves once every running node says `cluster_state:ok`; rejects after `withinMs`. */
  readonly awaitOk: (withinMs?: number) => Promise<void>
  /** Stops every node and removes their folders; safe to call twice. */
  readonly stop: () => Promise<void>
}

const MASTERS = 3
/** How long `redis-cli --cluster create` and the first `cluster_state:ok` may take together. */
const CREATE_WITHIN_MS = 20_000

/** Starts a 3-master cluster; resolves once every node says `cluster_state:ok`. */
export const startCluster = async (): Promise<RedisCluster> => {
  const servers: Array<RedisServer> = []
  const alive = new Set<number>()
  try {
    for (let i = 0; i < MASTERS; i++) {
      const server = await startNode(new Set(servers.map((s) => s.port)))
      servers.push(server)
      alive.add(server.port)
    }
    await createCluster(servers.map((s) => s.port))
    const cluster = clusterOf(servers, alive)
    await cluster.awaitOk(CREATE_WITHIN_MS)
    return cluster
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()))
    throw error
  }
}

/**
 * One node: a server with cluster mode on, its bus on a free port of its own (the default, port + 10000, may be
 * past 65535 for a free port), its `nodes.conf` in its folder (relative to `--dir`, kept across `restart`).
 */
const startNode = async (taken: ReadonlySet<number>): Promise<RedisServer> => {
  const [port, bus] = (await distinctFreePorts(2, taken)) as [number, number]
  const args = [
    '--cluster-enabled', 'yes',
    '--cluster-port', String(bus),
    '--cluster-config-file', `nodes-${port}.conf`,
    '--cluster-node-timeout', '2000'
  ] // prettier-ignore
  return startServer({ port, args })
}

const distinctFreePorts = async (n: number, taken: ReadonlySet<number>): Promise<Array<number>> => {
  const ports: Array<number> = []
  while (ports.length < n) {
    const port = await freePort()
    if (!taken.has(port) && !ports.includes(port)) ports.push(port)
  }
  return ports
}

const createCluster = async (ports: ReadonlyArray<number>): Promise<void> => {
  const cli = findExecutable('redis-cli')
  if (cli === undefined) throw new Error('redis-cli is not on PATH')
  const argv = ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']
  const child = spawn(cli, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (c, signal) => resolve(c ?? signal ?? 'unknown'))
  })
  if (code !== 0) throw new Error(`redis-cli --cluster create exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`)
}

const clusterOf = (servers: ReadonlyArray<RedisServer>, alive: Set<number>): RedisCluster => {
  const serverOn = (port: number): RedisServer => {
    const server = servers.find((s) => s.port === port)
    if (server === undefined) throw new Error(`no node of this cluster on port ${port}`)
    return server
  }
  const anyAlive = (): number => {
    const [port] = alive
    if (port === undefined) throw new Error('every node of the cluster is down')
    return port
  }
  const awaitOk = async (withinMs = 10_000): Promise<void> => {
    const giveUpAt = Date.now() + withinMs
    let states: Array<string> = []
    while (Date.now() < giveUpAt) {
      states = await Promise.all([...alive].map((port) => clusterState(port)))
      if (states.every((s) => s === 'ok')) return
      await pollInterval()
    }
    throw new Error(`the cluster is not ok within ${withinMs} ms: ${states.join(', ')}`)
  }
  let stopped = false
  return {
    nodes: servers.map((s) => ({ port: s.port, get pid() { return s.pid } })), // prettier-ignore
    kill: async (port) => {
      await serverOn(port).kill()
      alive.delete(port)
    },
    restart: async (port) => {
      await serverOn(port).restart()
      alive.add(port)
    },
    slotOwner: async (key) => {
      const port = anyAlive()
      const slot = Number(await respCommand(port, ['CLUSTER', 'KEYSLOT', key]))
      return ownerOf(slot, (await respCommand(port, ['CLUSTER', 'SLOTS'])) as ReadonlyArray<RespValue>)
    },
    awaitOk,
    stop: async () => {
      if (stopped) return
      stopped = true
      alive.clear()
      await Promise.all(servers.map((s) => s.stop()))
    }
  }
}

/** `cluster_state` from `CLUSTER INFO`, or `down` when the node does not answer. */
const clusterState = (port: number): Promise<string> =>
  respCommand(port, ['CLUSTER', 'INFO'], { timeout: 500 }).then(
    (info) => /cluster_state:(\w+)/.exec(String(info))?.[1] ?? 'unknown',
    () => 'down'
  )

/** The master's port in `CLUSTER SLOTS` (`[[start, end, [ip, port, id, ...], ...replicas], ...]`) for `slot`. */
const ownerOf = (slot: number, ranges: ReadonlyArray<RespValue>): number => {
  for (const range of ranges as ReadonlyArray<ReadonlyArray<RespValue>>) {
    const [start, end, master] = range as [number, number, ReadonlyArray<RespValue>]
    if (slot >= start && slot <= end) return Number(master[1])
  }
  throw new Error(`no master serves slot ${slot}`)
}

const pollInterval = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20))
