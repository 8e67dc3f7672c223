// Every test file: an unhandled rejection anywhere fails the test that was running.
const seen: Array<unknown> = []
const onRejection = (reason: unknown): void => {
  seen.push(reason)
}
process.on('unhandledRejection', onRejection)

afterEach(async () => {
  // let pending rejections surface
  await new Promise((resolve) => setImmediate(resolve))
  if (seen.length > 0) {
    const reasons = seen.splice(0)
    throw new Error(`unhandled rejection(s): ${reasons.map(String).join('; ')}`)
  }
})

afterAll(() => {
  process.off('unhandledRejection', onRejection)
})
