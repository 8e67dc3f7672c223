// Smoke test of the built package from native ESM: `import 'best-simple-cache'` as a consumer writes it.
// Runs from a consumer folder where the packed package is installed (scripts/test-dist.sh), or from the repo
// (the package imports itself through its `exports` map) after `npm run build`.
import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { strict as assert } from 'node:assert'
import * as pkg from 'best-simple-cache'
import * as testing from 'best-simple-cache/testing'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import suite from './suite.cjs'
import kit from './testing.cjs'

const entry = fileURLToPath(import.meta.resolve('best-simple-cache'))
const dir = fileURLToPath(new URL('.', import.meta.resolve('best-simple-cache')))

await suite.run('esm', [
  ['the import condition resolves to dist/esm/index.mjs', () => assert.match(entry, /[\\/]dist[\\/]esm[\\/]index\.mjs$/)],
  [
    'every dist/esm module loads (its fp-ts/io-ts imports resolve under Node ESM)',
    async () => {
      const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'))
      assert.ok(files.length > 1)
      for (const f of files) await import(new URL(f, import.meta.resolve('best-simple-cache')).href)
    }
  ],
  [
    'import and require give the same names',
    () => {
      const cjs = createRequire(import.meta.url)('best-simple-cache')
      assert.deepEqual(Object.keys(pkg).sort(), Object.keys(cjs).filter((k) => k !== '__esModule').sort())
      for (const name of Object.keys(pkg)) {
        if (typeof pkg[name] === 'object') assert.deepEqual(Object.keys(pkg[name]).sort(), Object.keys(cjs[name]).sort(), name)
      }
    }
  ],
  ...suite.checks(pkg, { t, E }),
  [
    'import and require give the same test kit names',
    () => assert.deepEqual(Object.keys(testing).sort(), Object.keys(createRequire(import.meta.url)('best-simple-cache/testing')).filter((k) => k !== '__esModule').sort())
  ],
  ...kit.testingChecks(testing, pkg, { t, entry: fileURLToPath(import.meta.resolve('best-simple-cache/testing')), format: 'esm' })
])
