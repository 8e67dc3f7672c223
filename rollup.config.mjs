// Builds dist/ from lib/: one output file per source module (preserveModules), in three formats, so that Node (ESM
// and CJS), bundlers and TypeScript (node10, node16, bundler) all find their file.
//
//   dist/esm/*.mjs + *.d.mts   Node ESM (`import` condition); imports of fp-ts/io-ts point at their CommonJS files
//   dist/cjs/*.cjs + *.d.cts   CommonJS (`require` condition)
//   dist/module/*.mjs          bundlers (`module` condition, ahead of `import`; its types are dist/esm's .d.mts);
//                              imports of fp-ts/io-ts point at their ES module files, which a bundler can tree-shake
//
// fp-ts and io-ts are peer dependencies and stay external. They publish no `exports` map, so native ESM can
// neither import a directory (`fp-ts/Option`) nor guess an extension (`fp-ts/lib/Option`). The Node ESM build
// therefore rewrites every import of them to the file Node can load: `fp-ts/Option` -> `fp-ts/lib/Option.js`,
// `io-ts` -> `io-ts/lib/index.js`. The CJS build uses `fp-ts/lib/Option`, which `require` resolves directly.
// Their `es6/` files are ES modules in packages without `"type": "module"`, so Node takes them for CommonJS (or,
// where it detects ES syntax, fails on their imports of each other, which have no extension: `./Applicative`). Only
// a bundler can load them, so only the bundler build imports them, as `fp-ts/es6/Option.js` (with the extension,
// which webpack requires in an .mjs file).
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

/**
 * The package's entry points, one line each (`best-simple-cache` is lib/index.ts, `best-simple-cache/testing` is
 * lib/testing.ts, `best-simple-cache/redis` is lib/redis.ts). Named, so that with more than one the declarations keep their place (an array puts them under
 * dist/<format>/lib/).
 */
const input = {
  index: 'lib/index.ts',
  testing: 'lib/testing.ts',
  redis: 'lib/redis.ts'
}
const peers = ['fp-ts', 'io-ts']

/** The peer a module id belongs to, and the subpath after it (`''` for the package root). */
const peerOf = (id) => {
  for (const name of peers) {
    if (id === name) return { name, subpath: '' }
    if (id.startsWith(`${name}/`)) return { name, subpath: id.slice(name.length + 1) }
  }
  return undefined
}

const external = (id) => peerOf(id) !== undefined || id.startsWith('node:')

/**
 * The specifier the output uses for a peer import: `fp-ts/X`, `fp-ts/lib/X`, `fp-ts/lib/X.js` all become
 * `fp-ts/<folder>/X` plus `extension`; the package root becomes `<folder>/index`.
 */
const peerPath = (folder, extension) => (id) => {
  const peer = peerOf(id)
  if (peer === undefined) return id
  const module = peer.subpath.replace(/^lib\//, '').replace(/\.js$/, '') || 'index'
  if (module.startsWith('es6/')) throw new Error(`import ${id} from lib/ instead: es6/ is not a Node module`)
  return `${peer.name}/${folder}/${module}${extension}`
}

/**
 * `CacheError` and `CacheEvent` are a namespace and a type at once at the package root (`CacheError.message(e)` and
 * `(e: CacheError) => ...`). TypeScript accepts that in a declaration file, but rollup-plugin-dts cannot emit it
 * (a duplicate export), so lib/index.ts exports the namespaces and this adds each one's own type to the index
 * declarations. tests/dist/.ts-consumer checks that both uses compile.
 */
const ROOT_TYPES = ['CacheError', 'CacheEvent']
const rootTypes = () => ({
  name: 'root-types',
  renderChunk(code, chunk) {
    if (!chunk.fileName.startsWith('index.d.')) return null
    let out = code
    for (const name of ROOT_TYPES) {
      const reexport = new RegExp(`import \\* as ${name} from '([^']+)';\\nexport \\{ ${name} \\};`)
      if (!reexport.test(out)) throw new Error(`root-types: no namespace re-export of ${name} in ${chunk.fileName}`)
      out = out.replace(
        reexport,
        (_, from) =>
          `import * as ${name}Module from '${from}';\nexport { ${name}Module as ${name} };\nexport type ${name} = ${name}Module.${name};`
      )
    }
    return { code: out, map: null }
  }
})

const esmPaths = peerPath('lib', '.js')
const cjsPaths = peerPath('lib', '')
const modulePaths = peerPath('es6', '.js')

const jsOutput = {
  preserveModules: true,
  preserveModulesRoot: 'lib',
  generatedCode: 'es2015'
}

export default [
  {
    input,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json', outputToFilesystem: false })],
    output: [
      {
        ...jsOutput,
        dir: 'dist/esm',
        format: 'es',
        entryFileNames: '[name].mjs',
        paths: esmPaths
      },
      {
        ...jsOutput,
        dir: 'dist/cjs',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        exports: 'named',
        interop: 'auto',
        paths: cjsPaths
      },
      {
        ...jsOutput,
        dir: 'dist/module',
        format: 'es',
        entryFileNames: '[name].mjs',
        paths: modulePaths
      }
    ]
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json', compilerOptions: { stripInternal: true } }), rootTypes()],
    output: [
      {
        ...jsOutput,
        dir: 'dist/esm',
        format: 'es',
        entryFileNames: '[name].d.mts',
        paths: esmPaths
      },
      {
        ...jsOutput,
        dir: 'dist/cjs',
        format: 'es',
        entryFileNames: '[name].d.cts',
        paths: cjsPaths
      }
    ]
  }
]
