/**
 * The load test in a worker thread: it shares nothing with the service but the HTTP port, and its own CPU work
 * (making requests, timing them) does not run on the service's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { runLoad } from './load.js'

parentPort.postMessage(await runLoad(workerData))
