// Runs the docs' runnable programs on one runtime and prints one `ok - ...` / `not ok - ...` line each.
// Usage: node tests/runtimes/programs.mjs <dir> -- <runtime command...>
// <dir> holds manifest.json as `scripts/snippets.mjs extract` writes it ([{ file, doc, line, run }]) and each
// program compiled to JavaScript next to its source (<name>.js beside <name>.ts). Each program with `run: true`
// runs as `<runtime command...> <dir>/<name>.js` from <dir>, and must exit 0 within TIMEOUT_MS.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

const TIMEOUT_MS = 20000

const [dir, separator, ...runtime] = process.argv.slice(2)
if (!dir || separator !== '--' || runtime.length === 0) {
  console.error('usage: node tests/runtimes/programs.mjs <dir> -- <runtime command...>')
  process.exit(2)
}

const indent = (text) => text.trimEnd().split('\n').slice(-20).map((line) => `    ${line}`).join('\n')

/** Why a finished run failed, or undefined when it exited 0. */
const failure = (result) => {
  if (result.error && result.error.code === 'ETIMEDOUT') return `did not finish within ${TIMEOUT_MS} ms`
  if (result.error) return result.error.message
  if (result.status !== 0) return `exited with ${result.status ?? result.signal}`
  return undefined
}

const runProgram = ({ file, doc, line }) => {
  const name = `${doc}:${line} (${file})`
  const program = path.join(dir, file.replace(/\.ts$/, '.js'))
  if (!existsSync(program)) return { name, why: `${path.basename(program)} was not compiled` }
  const result = spawnSync(runtime[0], [...runtime.slice(1), program], {
    cwd: dir,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  return { name, why: failure(result), output: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))
const runnable = manifest.filter((entry) => entry.run)
if (runnable.length === 0) console.log(`not ok - programs: the manifest lists no runnable program`)
let failed = 0
for (const entry of runnable) {
  const { name, why, output } = runProgram(entry)
  if (why === undefined) {
    console.log(`ok - programs: ${name} runs`)
  } else {
    failed++
    console.log(`not ok - programs: ${name} ${why}`)
    if (output) console.log(indent(output))
  }
}
if (failed > 0 || runnable.length === 0) process.exitCode = 1
