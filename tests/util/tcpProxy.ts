/**
 * A loopback TCP proxy in front of a port, for partition tests: clients connect to `proxy.port`, and every
 * connection is forwarded to the target. `hold()` is a partition as a client sees it: connections stay open
 * and new ones are accepted, but no byte (nor a close) crosses in either direction until `heal()`, which
 * delivers what was held, in order. `cut()` destroys every connection, as a reset does.
 */
import * as net from 'node:net'

export interface TcpProxy {
  readonly port: number
  /** Stops forwarding in both directions; bytes and closes are kept until `heal()`. */
  readonly hold: () => void
  /** Forwards again, first what was held. */
  readonly heal: () => void
  /** Destroys every open connection, both sides; the proxy keeps accepting new ones. */
  readonly cut: () => void
  /** Cuts and stops listening. */
  readonly close: () => Promise<void>
  /** The bytes held now, both directions (0 unless held). */
  readonly heldBytes: () => number
  /** The client connections open now. */
  readonly connections: () => number
}

/** One direction of a connection: forwards chunks, or queues them (and a close) while held. */
interface Pipe {
  readonly push: (chunk: Buffer) => void
  readonly end: () => void
  readonly flush: () => void
  readonly queued: () => number
}

const pipe = (to: net.Socket, isHeld: () => boolean): Pipe => {
  const queue: Array<Buffer> = []
  let ended = false
  const deliver = (): void => {
    if (to.destroyed) {
      queue.length = 0
      return
    }
    for (const chunk of queue.splice(0)) to.write(chunk)
    if (ended) to.end()
  }
  return {
    push: (chunk) => {
      queue.push(chunk)
      if (!isHeld()) deliver()
    },
    end: () => {
      ended = true
      if (!isHeld()) deliver()
    },
    flush: deliver,
    queued: () => queue.reduce((n, chunk) => n + chunk.length, 0)
  }
}

/** Starts a proxy on a free loopback port in front of `127.0.0.1:targetPort`. */
export const startProxy = (targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> => {
  let held = false
  const isHeld = (): boolean => held
  const open = new Set<{ client: net.Socket; upstream: net.Socket; pipes: ReadonlyArray<Pipe> }>()
  // half-open sockets, so that a close from one side is forwarded (or held) like its bytes
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    client.setNoDelay(true)
    const upstream = net.connect({ port: targetPort, host: targetHost, allowHalfOpen: true })
    upstream.setNoDelay(true)
    const up = pipe(upstream, isHeld)
    const down = pipe(client, isHeld)
    const connection = { client, upstream, pipes: [up, down] }
    open.add(connection)
    client.on('data', up.push).on('end', up.end)
    upstream.on('data', down.push).on('end', down.end)
    // a side that fails or closes closes the other one, once the close may cross (a refused target closes the client)
    const onClose = (): void => {
      if (client.destroyed && upstream.destroyed) open.delete(connection)
    }
    client.on('error', up.end).on('close', () => (up.end(), onClose()))
    upstream.on('error', down.end).on('close', () => (down.end(), onClose()))
  })
  const cut = (): void => {
    for (const { client, upstream } of [...open]) {
      client.destroy()
      upstream.destroy()
    }
    open.clear()
  }
  const proxy = (port: number): TcpProxy => ({
    port,
    hold: () => {
      held = true
    },
    heal: () => {
      held = false
      for (const { pipes } of open) for (const p of pipes) p.flush()
    },
    cut,
    close: () =>
      new Promise((resolve) => {
        cut()
        server.close(() => resolve())
      }),
    heldBytes: () => [...open].reduce((n, { pipes }) => n + pipes.reduce((m, p) => m + p.queued(), 0), 0),
    connections: () => open.size
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (typeof address === 'object' && address !== null) resolve(proxy(address.port))
      else reject(new Error('the proxy has no port'))
    })
  })
}
