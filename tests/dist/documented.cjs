// Every runtime export of the built package is documented: for each namespace of the package root (Cache,
// KeyCodec, ...), every value it exports has a `## name` entry in the generated reference docs/modules/<Name>.ts.md,
// every value the root exports by name (the combinators) has one in the docs of the module that defines it, and
// every value of the test kit (`best-simple-cache/testing`) has one in docs/modules/testing.ts.md.
// Usage: node documented.cjs <docs/modules folder>; prints one ok / not ok line per namespace.
const fs = require('fs')
const path = require('path')
const pkg = require('best-simple-cache')

const docs = process.argv[2]
const headings = (module) => {
  const file = path.join(docs, `${module}.ts.md`)
  if (!fs.existsSync(file)) return undefined
  return new Set([...fs.readFileSync(file, 'utf8').matchAll(/^## (\S+)/gm)].map((m) => m[1]))
}

const check = (label, module, names) => {
  const documented = headings(module)
  if (documented === undefined) return console.log(`not ok - documented: ${label} (no docs/modules/${module}.ts.md)`)
  const missing = names.filter((n) => !documented.has(n))
  console.log(
    missing.length === 0
      ? `ok - documented: every runtime export of ${label} (${names.length})`
      : `not ok - documented: ${label} exports ${missing.join(', ')} without a reference entry`
  )
}

// the root functions whose module is not their name (less an `Async`)
const byName = {
  withCacheOutcome: 'withCache',
  withCacheAsyncOutcome: 'withCache',
  withCacheAbortable: 'withCache',
  withCacheAsyncAbortable: 'withCache'
}
for (const [name, value] of Object.entries(pkg)) {
  if (typeof value === 'object' && value !== null) check(name, name, Object.keys(value))
}
const rootFunctions = Object.entries(pkg).filter(([, v]) => typeof v === 'function')
const modules = new Map()
for (const [name] of rootFunctions) {
  const module = byName[name] ?? name.replace(/Async$/, '')
  modules.set(module, [...(modules.get(module) ?? []), name])
}
for (const [module, names] of modules) check(`the root's ${names.join(', ')}`, module, names)

// the test kit, its own entry point: every runtime export has an entry in docs/modules/testing.ts.md
const testing = require('best-simple-cache/testing')
check('best-simple-cache/testing', 'testing', Object.keys(testing).filter((k) => k !== '__esModule'))
