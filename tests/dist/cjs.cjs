// Smoke test of the built package from CommonJS: `require('best-simple-cache')` as a consumer writes it.
// Runs from a consumer folder where the packed package is installed (scripts/test-dist.sh), or from the repo
// (the package requires itself through its `exports` map) after `npm run build`.
'use strict'
const { readdirSync } = require('node:fs')
const path = require('node:path')
const assert = require('node:assert/strict')
const pkg = require('best-simple-cache')
const t = require('io-ts')
const E = require('fp-ts/Either')
const suite = require('./suite.cjs')
const testing = require('best-simple-cache/testing')
const { testingChecks } = require('./testing.cjs')

const entry = require.resolve('best-simple-cache')

suite.run('cjs', [
  ['the require condition resolves to dist/cjs/index.cjs', () => assert.match(entry, /[\\/]dist[\\/]cjs[\\/]index\.cjs$/)],
  [
    'every dist/cjs module loads',
    () => {
      const dir = path.dirname(entry)
      const files = readdirSync(dir).filter((f) => f.endsWith('.cjs'))
      assert.ok(files.length > 1)
      for (const f of files) require(path.join(dir, f))
    }
  ],
  [
    'deep imports are closed by the exports map',
    // the file is in the tarball; Bun refuses it with a plain MODULE_NOT_FOUND
    () => assert.throws(() => require('best-simple-cache/dist/cjs/Ref.cjs'), { code: process.versions.bun ? 'MODULE_NOT_FOUND' : 'ERR_PACKAGE_PATH_NOT_EXPORTED' })
  ],
  ...suite.checks(pkg, { t, E }),
  ...testingChecks(testing, pkg, { t, entry: require.resolve('best-simple-cache/testing'), format: 'cjs' })
])
