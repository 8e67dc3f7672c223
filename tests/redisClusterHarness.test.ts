/**
 * The Redis Cluster test harness itself (tests/util/redisCluster.ts): the suite decision without `redis-cli`, then a
 * real 3-master cluster that starts, routes keys to the master that owns their slot, loses a master to SIGKILL,
 * takes it back as the same node, and stops. Waits are on the nodes' own I/O (`CLUSTER INFO` polled).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describeRedisCluster, redisClusterAvailability, startCluster } from './util/redisCluster'
import type { RedisCluster } from './util/redisCluster'
import { isAlive, redisSuiteMode } from './util/redisServer'
import { respCommand } from './util/respClient'

describe('redisClusterAvailability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-stub-cluster-'))
  const stub = (name: string): void => fs.writeFileSync(path.join(dir, name), '#!/bin/sh\n', { mode: 0o755 })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('needs redis-cli besides redis-server: without it the suites skip, or fail with REQUIRE_REDIS=1', () => {
    expect(redisClusterAvailability({ PATH: dir })).toEqual({ ok: false, reason: expect.stringContaining('redis-server is not on PATH') })
    stub('redis-server')
    const availability = redisClusterAvailability({ PATH: dir })
    expect(availability).toEqual({ ok: false, reason: expect.stringContaining('redis-cli is not on PATH') })
    expect(redisSuiteMode(availability, true)).toEqual({ mode: 'fail', reason: expect.stringContaining('redis-tools') })
    stub('redis-cli')
    expect(redisClusterAvailability({ PATH: dir })).toEqual({ ok: true, binary: path.join(dir, 'redis-server') })
  })
})

const info = async (port: number, field: string): Promise<string | undefined> =>
  new RegExp(`${field}:(\\w+)`).exec(String(await respCommand(port, ['CLUSTER', 'INFO'])))?.[1]

describeRedisCluster('redis cluster harness', () => {
  let cluster: RedisCluster
  beforeAll(async () => {
    cluster = await startCluster()
  }, 30_000)
  afterAll(() => cluster?.stop())

  test('three masters on loopback, every slot assigned, every node ok', async () => {
    const ports = cluster.nodes.map((n) => n.port)
    expect(new Set(ports).size).toBe(3)
    for (const port of ports) {
      expect(await info(port, 'cluster_state')).toBe('ok')
      expect(await info(port, 'cluster_slots_assigned')).toBe('16384')
      expect(await info(port, 'cluster_known_nodes')).toBe('3')
      expect(await respCommand(port, ['CONFIG', 'GET', 'save'])).toEqual(['save', ''])
    }
  })

  test('slotOwner names the master that takes a key; the others redirect to it', async () => {
    const owner = await cluster.slotOwner('k{tag}')
    expect(await cluster.slotOwner('{tag}')).toBe(owner) // a hash tag decides the slot
    expect(await respCommand(owner, ['SET', 'k{tag}', 'v'])).toBe('OK')
    for (const other of cluster.nodes.map((n) => n.port).filter((p) => p !== owner)) {
      await expect(respCommand(other, ['GET', 'k{tag}'])).rejects.toThrow(new RegExp(`^MOVED \\d+ 127\\.0\\.0\\.1:${owner}$`))
    }
  })

  test('kill is a crash; restart brings the same node back as the master of its slots, with no data', async () => {
    const owner = await cluster.slotOwner('{killed}')
    const node = cluster.nodes.find((n) => n.port === owner)!
    const [id, pid] = [await respCommand(owner, ['CLUSTER', 'MYID']), node.pid]
    await respCommand(owner, ['SET', '{killed}', 'v'])
    await cluster.kill(owner)
    expect(isAlive(pid)).toBe(false)
    expect(() => node.pid).toThrow(/not running/)
    await expect(respCommand(owner, ['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(await cluster.slotOwner('{killed}')).toBe(owner) // no replica took its slots
    await cluster.restart(owner)
    expect(node.pid).not.toBe(pid)
    await cluster.awaitOk()
    expect(await respCommand(owner, ['CLUSTER', 'MYID'])).toBe(id)
    expect(await respCommand(owner, ['GET', '{killed}'])).toBeNull()
  }, 20_000)

  test('stop ends every node', async () => {
    const pids = cluster.nodes.map((n) => n.pid)
    await cluster.stop()
    expect(pids.filter(isAlive)).toEqual([])
    await cluster.stop() // twice is fine
  })
})
