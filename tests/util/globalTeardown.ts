/** jest global teardown: stops the shared server of the global setup (SHUTDOWN NOSAVE, then SIGKILL if alive). */
import type { WithSharedServer } from './globalSetup'
import { SHARED_SERVER } from './globalSetup'

export default async function globalTeardown(): Promise<void> {
  const scope = globalThis as WithSharedServer
  const server = scope[SHARED_SERVER]
  delete scope[SHARED_SERVER]
  await server?.stop()
}
