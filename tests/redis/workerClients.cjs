/**
 * The ioredis client and subscriber of a child process of the Redis tests (worker.cjs, busWorker.cjs): the options
 * the store and the bus require (no offline queue, at most one retry, a command timeout), a quick reconnect, and
 * connection errors expected (the tests kill and restart servers).
 */
'use strict'
const Redis = require('ioredis')

const clients = (port) => {
  const options = {
    host: '127.0.0.1',
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(10 * times, 100)
  }
  const client = new Redis(options)
  const subscriber = new Redis(options)
  client.on('error', () => undefined)
  subscriber.on('error', () => undefined)
  return { client, subscriber }
}

module.exports = { clients }
