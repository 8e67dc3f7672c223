// Deno only: a Deno user imports npm packages as `npm:name`. With a package.json and a node_modules folder
// (deno run --node-modules-dir=manual, as scripts/test-runtimes.sh runs it), `npm:` specifiers resolve to the
// installed package, with no registry: the same module instance as the bare specifier.
import * as viaNpm from 'npm:best-simple-cache'
import * as bare from 'best-simple-cache'
import * as E from 'npm:fp-ts/lib/Either.js'

const same = viaNpm.Cache === bare.Cache && viaNpm.withCacheAsync === bare.withCacheAsync
console.log(`${same ? 'ok' : 'not ok'} - npm: 'npm:best-simple-cache' is the installed package (node_modules)`)
const key = viaNpm.KeyCodec.struct({ id: viaNpm.KeyCodec.int }).encode({ id: 7 })
console.log(`${E.isRight(key) && key.right === '{id:7}' ? 'ok' : 'not ok'} - npm: a key codec encodes through npm: imports`)
