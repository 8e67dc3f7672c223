// Runs docs-ts (the generator fp-ts uses) the way its own binary does, with two differences:
// - docs-ts refuses to run when package.json has no "homepage" (it only uses it for a link in docs/_config.yml),
//   so that link falls back to the README until the package has a homepage;
// - docs-ts prepends `import * as assert from 'assert'` to every example that uses `assert.`, which clashes with
//   an example that imports assert itself (TS2300). Examples may import it (so they can be copied and run as
//   they are): the prepended line is dropped from such an example.
// After generating, it fails when a signature on a page shows `any` (the public types have none: docs-ts 0.8 prints
// `any` for types it cannot read, such as a variance marker) or an `@internal` member.
// Called by scripts/docs.sh, which sets up the `src` link docs-ts needs.
'use strict'
const fs = require('fs')
const path = require('path')
const { main } = require('docs-ts/lib/Core')
const { capabilities } = require('docs-ts/lib/Production')

const packageJson = path.join(process.cwd(), 'package.json')
const examplesDir = path.join(process.cwd(), 'docs', 'examples') + path.sep

const prependedAssert = "import * as assert from 'assert'\n"
const ownAssert = /^\s*import\s+(?:\*\s+as\s+)?assert\s*(?:=\s*require\(|from\s)\s*['"](?:node:)?assert(?:\/strict)?['"]/m

const dedupeAssert = (content) =>
  content.startsWith(prependedAssert) && ownAssert.test(content.slice(prependedAssert.length))
    ? content.slice(prependedAssert.length)
    : content

const fileSystem = {
  ...capabilities.fileSystem,
  writeFile: (file, content) =>
    capabilities.fileSystem.writeFile(file, path.resolve(file).startsWith(examplesDir) ? dedupeAssert(content) : content),
  readFile: (file) => {
    const read = capabilities.fileSystem.readFile(file)
    if (path.resolve(file) !== packageJson) return read
    return () =>
      read().then((result) => {
        if (result._tag === 'Left') return result
        const pkg = JSON.parse(result.right)
        if (typeof pkg.homepage === 'string') return result
        return { _tag: 'Right', right: JSON.stringify({ ...pkg, homepage: 'README.md' }) }
      })
  }
}

/** A signature line without its comments (a comment line is all comment). */
const codeOf = (line) => (/^\s*(\/\*\*|\*|\/\/)/.test(line) ? '' : line.replace(/\/\*.*?\*\/|\/\/.*$/g, ''))

/** The lines of the pages' signature blocks that show `any` or an `@internal` member, as `page:line: text`. */
const badSignatureLines = (modulesDir) => {
  const bad = []
  for (const page of fs.readdirSync(modulesDir).filter((f) => f.endsWith('.md'))) {
    const lines = fs.readFileSync(path.join(modulesDir, page), 'utf8').split('\n')
    let inSignature = false
    lines.forEach((line, i) => {
      if (line === '**Signature**') inSignature = true
      else if (inSignature && line === '```') inSignature = false
      else if (inSignature && (/@internal/.test(line) || /\bany\b/.test(codeOf(line))))
        bad.push(`docs/modules/${page}:${i + 1}: ${line.trim()}`)
    })
  }
  return bad
}

main({ ...capabilities, fileSystem })().then(
  (result) => {
    if (result._tag === 'Left') {
      console.error(`docs-ts failed:\n${result.left}`)
      process.exit(1)
    }
    const bad = badSignatureLines(path.join(process.cwd(), 'docs', 'modules'))
    if (bad.length > 0) {
      console.error(`docs: signatures show \`any\` or an @internal member, which the public types do not have:\n${bad.join('\n')}`)
      process.exit(1)
    }
    console.log('docs-ts: docs generated, every example type-checked and ran; no signature shows any or @internal')
  },
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
