#!/usr/bin/env node
// The code blocks of the docs are programs: every fenced block whose info string starts with `ts` in README.md and
// docs/guides/*.md must compile as written in an ES module consumer and in a CommonJS consumer of the packed
// package, and runs with node unless its info string is `ts compile-only`.
//
//   node scripts/snippets.mjs extract <outDir>
//       writes each block to <outDir>/<doc-slug>-<n>.ts and <outDir>/manifest.json:
//       [{ "file": "readme-1.ts", "doc": "README.md", "line": 123, "run": true }] (line: the opening fence)
//   node scripts/snippets.mjs check <consumerDir>
//       <consumerDir>/node_modules holds the package, typescript, fp-ts, io-ts and @types/node (scripts/test-dist.sh
//       makes it). Writes the blocks to <consumerDir>/snippets/{esm,cjs}, compiles both folders in one TypeScript
//       program (node16, strict: each folder's package.json decides its module system), attributes every error to
//       its block and doc line, then runs each runnable block's emitted JavaScript. Prints one `ok - ` or
//       `not ok - ` line per check, such as `ok - README.md:58 esm compile`; exits non-zero when one failed.
//   node scripts/snippets.mjs start-output
//       runs `npm start` and compares what it prints with the README's sample (the ```text block after the line
//       "`npm start` prints"), timings masked; exits non-zero when they differ.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const RUN_TIMEOUT_MS = 10_000
const SYSTEMS = [
  { name: 'esm', packageJson: { private: true, type: 'module' } },
  { name: 'cjs', packageJson: { private: true } }
]

// -------------------------------------------------------------------------------------
// extract
// -------------------------------------------------------------------------------------

/** The docs whose blocks are checked, relative to the repository root, in a stable order. */
const checkedDocs = () => {
  const guides = path.join(root, 'docs', 'guides')
  const guideFiles = fs.existsSync(guides)
    ? fs.readdirSync(guides).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/guides/${f}`)
    : []
  return ['README.md', ...guideFiles]
}

/** `README.md` -> `readme`, `docs/guides/Key codecs.md` -> `guides-key-codecs`. */
const slugOf = (doc) =>
  doc
    .replace(/^docs\//, '')
    .replace(/\.md$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/

/** The fenced blocks of a markdown text: `{ line, info, code }`, `line` being the opening fence's (1-based). */
const fencedBlocks = (text) => {
  const lines = text.split(/\r?\n/)
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i])
    if (open === null || (open[2][0] === '`' && open[3].includes('`'))) continue
    const [, indent, fence, info] = open
    const closing = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    const body = []
    let j = i + 1
    while (j < lines.length && !closing.test(lines[j])) {
      const line = lines[j]
      const strip = Math.min(indent.length, line.length - line.trimStart().length)
      body.push(line.slice(strip))
      j++
    }
    blocks.push({ line: i + 1, info: info.trim(), code: body.join('\n') + '\n' })
    i = j
  }
  return blocks
}

/** The checked blocks of every doc, each with the file name it is written to. */
export const checkedBlocks = () => {
  const blocks = []
  for (const doc of checkedDocs()) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8')
    let n = 0
    for (const block of fencedBlocks(text)) {
      const words = block.info.split(/\s+/)
      if (words[0] !== 'ts') continue
      n++
      blocks.push({ file: `${slugOf(doc)}-${n}.ts`, doc, line: block.line, run: !words.includes('compile-only'), code: block.code })
    }
  }
  return blocks
}

/** Writes the blocks and their manifest to `outDir`; answers the blocks. */
export const extract = (outDir) => {
  fs.mkdirSync(outDir, { recursive: true })
  const blocks = checkedBlocks()
  for (const block of blocks) fs.writeFileSync(path.join(outDir, block.file), block.code)
  const manifest = blocks.map(({ file, doc, line, run }) => ({ file, doc, line, run }))
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return blocks
}

// -------------------------------------------------------------------------------------
// check
// -------------------------------------------------------------------------------------

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'node16',
    moduleResolution: 'node16',
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    // every block is a module of its own, with or without an import: no block sees another's names
    moduleDetection: 'force',
    noEmitOnError: false
  },
  include: ['esm/*.ts', 'cjs/*.ts']
}

let passed = 0
let failed = 0
const ok = (name) => {
  passed++
  console.log(`ok - ${name}`)
}
const notOk = (name, details = []) => {
  failed++
  for (const line of details) console.log(`    ${line}`)
  console.log(`not ok - ${name}`)
}
const indent = (text) => text.trimEnd().split('\n').filter((l) => l !== '')

/** Compiles every block in both folders in one program; answers the error lines per emitted file path. */
const compileAll = (ts, dir, blocksByPath) => {
  const parsed = ts.parseJsonConfigFileContent(TSCONFIG, ts.sys, dir)
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options })
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics]
  const errors = new Map()
  const elsewhere = []
  for (const d of diagnostics) {
    if (d.category !== ts.DiagnosticCategory.Error) continue
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    const block = d.file && blocksByPath.get(path.resolve(d.file.fileName))
    if (block === undefined) {
      elsewhere.push(`${d.file ? d.file.fileName : 'tsc'}: TS${d.code}: ${message}`)
      continue
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0)
    const list = errors.get(path.resolve(d.file.fileName)) ?? []
    list.push(`${block.doc}:${block.line + line + 1}:${character + 1} TS${d.code}: ${message}`)
    errors.set(path.resolve(d.file.fileName), list)
  }
  return { errors, elsewhere }
}

const runBlock = (file) => {
  const result = spawnSync(process.execPath, [path.basename(file)], {
    cwd: path.dirname(file),
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS
  })
  if (result.error !== undefined) return [`${result.error.message} (a run must finish within ${RUN_TIMEOUT_MS / 1000} s)`]
  if (result.status !== 0) return [...indent(result.stdout), ...indent(result.stderr), `exit ${result.status}`]
  return undefined
}

export const check = (consumerDir) => {
  const consumer = path.resolve(consumerDir)
  const ts = createRequire(path.join(consumer, 'package.json'))('typescript')
  const dir = path.join(consumer, 'snippets')
  fs.rmSync(dir, { recursive: true, force: true })
  const blocksByPath = new Map()
  let blocks = []
  for (const system of SYSTEMS) {
    const systemDir = path.join(dir, system.name)
    blocks = extract(systemDir)
    fs.writeFileSync(path.join(systemDir, 'package.json'), JSON.stringify(system.packageJson) + '\n')
    for (const block of blocks) blocksByPath.set(path.join(systemDir, block.file), block)
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2) + '\n')
  const docs = new Set(blocks.map((b) => b.doc))
  console.log(`# snippets: ${blocks.length} ts blocks in ${docs.size} docs, ${blocks.filter((b) => b.run).length} of them run`)
  if (blocks.length === 0) notOk('snippets: the docs have ts blocks')

  const { errors, elsewhere } = compileAll(ts, dir, blocksByPath)
  if (elsewhere.length > 0) notOk('snippets: no type error outside the blocks', elsewhere)
  for (const system of SYSTEMS) {
    for (const block of blocks) {
      const source = path.join(dir, system.name, block.file)
      const where = `${block.doc}:${block.line} ${system.name}`
      const blockErrors = errors.get(source)
      if (blockErrors === undefined) ok(`${where} compile`)
      else notOk(`${where} compile`, blockErrors)
      if (!block.run) continue
      if (blockErrors !== undefined) {
        notOk(`${where} run (it does not compile)`)
        continue
      }
      const runErrors = runBlock(source.replace(/\.ts$/, '.js'))
      if (runErrors === undefined) ok(`${where} run`)
      else notOk(`${where} run`, runErrors)
    }
  }
  console.log(`# snippets: ${passed} ok, ${failed} not ok`)
  return failed === 0
}

// -------------------------------------------------------------------------------------
// start-output
// -------------------------------------------------------------------------------------

/** Lines with every timing (`302.4 ms`) and the padding before it masked, and no trailing blank lines. */
const masked = (text) =>
  text
    .replace(/\s*\d+(?:\.\d+)? ms\b/g, ' _ ms')
    .trimEnd()
    .split(/\r?\n/)

/** The README's sample of `npm start` next to what `npm start` prints now; true when they agree. */
export const checkStartOutput = () => {
  const text = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
  const intro = text.split(/\r?\n/).findIndex((line) => line.startsWith('`npm start` prints'))
  const sample = fencedBlocks(text).find((b) => b.line > intro + 1 && b.info === 'text')
  if (intro < 0 || sample === undefined) {
    console.error('README.md has no ```text block after a line that starts with "`npm start` prints"')
    return false
  }
  const start = spawnSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  process.stdout.write(start.stdout ?? '')
  if (start.status !== 0) {
    process.stderr.write(start.stderr ?? '')
    console.error(`npm start exited with ${start.status}`)
    return false
  }
  const want = masked(sample.code)
  const got = masked(start.stdout)
  const differ = want.flatMap((line, i) => (line === got[i] ? [] : [`README.md:${sample.line + i + 1}: ${line}`, `npm start:     ${got[i] ?? '(no line)'}`]))
  if (got.length > want.length) differ.push(`npm start prints ${got.length - want.length} more lines than the README shows`)
  for (const line of differ) console.error(line)
  if (differ.length === 0) console.log(`npm start prints what README.md:${sample.line} shows (timings aside)`)
  return differ.length === 0
}

// -------------------------------------------------------------------------------------
// command line
// -------------------------------------------------------------------------------------

const usage = 'usage: node scripts/snippets.mjs extract <outDir> | check <consumerDir> | start-output'
const main = ([command, dir]) => {
  if (command === 'start-output') return checkStartOutput() ? 0 : 1
  if (dir === undefined) {
    console.error(usage)
    return 2
  }
  if (command === 'extract') {
    const blocks = extract(dir)
    console.log(`${blocks.length} blocks written to ${dir}`)
    return 0
  }
  if (command === 'check') return check(dir) ? 0 : 1
  console.error(usage)
  return 2
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
