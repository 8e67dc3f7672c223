/**
 * A tiny RESP2 client over `net`, for the test harness: enough to PING, pause, flush and shut down a server and to
 * GET/SET in self-tests, without depending on what ioredis or node-redis do when a server is slow or gone.
 * Commands are pipelined on one socket and answered in order; every command has a timeout (default 2 s) whose
 * timer is `unref`'d, so a stuck server fails the command instead of hanging the test run.
 */
import * as net from 'node:net'

/** A RESP2 reply: simple and bulk strings, integers, nil and arrays. An error reply rejects the command. */
export type RespValue = string | number | null | ReadonlyArray<RespValue>

export interface RespClient {
  /** Sends one command; resolves with its reply, rejects on an error reply, a timeout or a closed connection. */
  readonly send: (...args: ReadonlyArray<string | number>) => Promise<RespValue>
  /** Destroys the socket; commands still waiting reject. */
  readonly close: () => void
  readonly socket: net.Socket
}

export interface RespOptions {
  readonly host?: string
  /** How long one command may wait for its reply, in ms. */
  readonly timeout?: number
}

interface Pending {
  readonly resolve: (value: RespValue) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

const CRLF = Buffer.from('\r\n')

/** Encodes a command as a RESP array of bulk strings. */
export const encodeCommand = (args: ReadonlyArray<string | number>): Buffer => {
  const parts = args.map((arg) => Buffer.from(String(arg)))
  const head = `*${parts.length}\r\n`
  return Buffer.concat([Buffer.from(head), ...parts.flatMap((p) => [Buffer.from(`$${p.length}\r\n`), p, CRLF])])
}

/** A parse result: a value and where the next one starts, or `undefined` when more bytes are needed. */
type Parsed = { readonly value: RespValue | Error; readonly next: number } | undefined

/** Parses one reply from `buffer` at `start`. Error replies come back as `Error` values. */
export const parseReply = (buffer: Buffer, start: number): Parsed => {
  const lineEnd = buffer.indexOf(CRLF, start)
  if (lineEnd < 0) return undefined
  const line = buffer.toString('utf8', start + 1, lineEnd)
  const next = lineEnd + 2
  switch (buffer[start]) {
    case 0x2b: // +
      return { value: line, next }
    case 0x2d: // -
      return { value: new Error(line), next }
    case 0x3a: // :
      return { value: Number(line), next }
    case 0x24: // $
      return parseBulk(buffer, Number(line), next)
    case 0x2a: // *
      return parseArray(buffer, Number(line), next)
    default:
      throw new Error(`not a RESP2 reply: ${JSON.stringify(buffer.toString('utf8', start, lineEnd))}`)
  }
}

const parseBulk = (buffer: Buffer, length: number, start: number): Parsed => {
  if (length < 0) return { value: null, next: start }
  if (buffer.length < start + length + 2) return undefined
  return { value: buffer.toString('utf8', start, start + length), next: start + length + 2 }
}

const parseArray = (buffer: Buffer, count: number, start: number): Parsed => {
  if (count < 0) return { value: null, next: start }
  const items: Array<RespValue> = []
  let next = start
  for (let i = 0; i < count; i++) {
    const item = parseReply(buffer, next)
    if (item === undefined) return undefined
    if (item.value instanceof Error) return item
    items.push(item.value)
    next = item.next
  }
  return { value: items, next }
}

/** Connects to a server on loopback (or `options.host`); rejects when the connection fails. */
export const connectResp = (port: number, options: RespOptions = {}): Promise<RespClient> =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: options.host ?? '127.0.0.1' })
    socket.setNoDelay(true)
    const failConnect = (error: Error): void => {
      socket.destroy()
      reject(error)
    }
    socket.once('error', failConnect)
    socket.once('connect', () => {
      socket.off('error', failConnect)
      resolve(clientOn(socket, options.timeout ?? 2000))
    })
  })

const clientOn = (socket: net.Socket, timeout: number): RespClient => {
  const pending: Array<Pending> = []
  let buffer = Buffer.alloc(0)
  const failAll = (error: Error): void => {
    for (const p of pending.splice(0)) {
      clearTimeout(p.timer)
      p.reject(error)
    }
  }
  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
    let reply = parseReply(buffer, 0)
    while (reply !== undefined) {
      buffer = buffer.subarray(reply.next)
      const p = pending.shift()
      if (p !== undefined) {
        clearTimeout(p.timer)
        if (reply.value instanceof Error) p.reject(reply.value)
        else p.resolve(reply.value)
      }
      reply = buffer.length === 0 ? undefined : parseReply(buffer, 0)
    }
  })
  socket.on('error', (error) => failAll(error))
  socket.on('close', () => failAll(new Error('connection closed')))
  const send = (...args: ReadonlyArray<string | number>): Promise<RespValue> =>
    new Promise((resolve, reject) => {
      if (socket.destroyed) return reject(new Error('connection closed'))
      const timer = setTimeout(() => {
        const at = pending.findIndex((p) => p.timer === timer)
        if (at >= 0) pending.splice(at, 1)
        socket.destroy() // later replies would be matched to the wrong commands
        reject(new Error(`${String(args[0])}: no reply within ${timeout} ms`))
      }, timeout)
      timer.unref()
      pending.push({ resolve, reject, timer })
      socket.write(encodeCommand(args))
    })
  return { send, close: () => socket.destroy(), socket }
}

/** Connects, sends one command, closes. */
export const respCommand = async (
  port: number,
  args: ReadonlyArray<string | number>,
  options: RespOptions = {}
): Promise<RespValue> => {
  const client = await connectResp(port, options)
  try {
    return await client.send(...args)
  } finally {
    client.close()
  }
}
