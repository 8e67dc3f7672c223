#!/usr/bin/env bash
# Smoke tests of the built package as a consumer gets it: packs the package (`npm pack`, so `files` and the
# `exports` map are what is tested), installs the tarball into a temporary consumer folder next to links to this
# project's fp-ts, io-ts and TypeScript (no network), then
#   - node esm.mjs     import() from native ESM (tests/dist/esm.mjs), the root and best-simple-cache/testing
#   - node cjs.cjs     require() (tests/dist/cjs.cjs), the same (the kit's checks: tests/dist/testing.cjs)
#   - documented.cjs   every runtime export of each namespace has an entry in docs/modules (tests/dist/documented.cjs)
#   - module           the bundler build (dist/module): es6/ imports only; bundled by esbuild, it passes the suite
#   - tsc              a .mts and a .cts consumer under module/moduleResolution node16 (tests/dist/.ts-consumer), and
#                      the same for the test kit, best-simple-cache/testing, with declaration emit
#   - snippets         every ts block of README.md and docs/guides compiles as ESM and as CommonJS, and runs
#                      (scripts/snippets.mjs)
# Prints one `ok - ...` or `not ok - ...` line per check, then `# dist: N ok, M not ok`. With DIST_RESULTS_FILE
# set, also writes `N M` there (used by .ci/run). Needs `npm run build` first; `npm run test:dist` does both.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

finish() {
  echo "# dist: ${passed} ok, ${failed} not ok"
  if [ -n "${DIST_RESULTS_FILE:-}" ]; then echo "${passed} ${failed}" >"$DIST_RESULTS_FILE"; fi
  [ "$failed" -eq 0 ]
  exit $?
}

if [ ! -f dist/esm/index.mjs ] || [ ! -f dist/cjs/index.cjs ]; then
  not_ok "dist/ is built (run npm run build)"
  finish
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/best-simple-cache-dist.XXXXXX")"
trap 'rm -rf "$work"' EXIT

consumer="$work/consumer"
mkdir -p "$consumer/node_modules/best-simple-cache" "$consumer/node_modules/@types"
if npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1 &&
  tar -xzf "$work"/best-simple-cache-*.tgz -C "$consumer/node_modules/best-simple-cache" --strip-components=1; then
  ok "npm pack, and the tarball unpacks"
else
  cat "$work/pack.log"
  not_ok "npm pack, and the tarball unpacks"
  finish
fi
for dep in fp-ts io-ts typescript @types/node ioredis; do ln -s "$root/node_modules/$dep" "$consumer/node_modules/$dep"; done
echo '{ "name": "consumer", "private": true }' >"$consumer/package.json"
cp tests/dist/suite.cjs tests/dist/testing.cjs tests/dist/esm.mjs tests/dist/cjs.cjs tests/dist/documented.cjs "$consumer/"
cp tests/dist/.ts-consumer/*.mts tests/dist/.ts-consumer/*.cts tests/dist/.ts-consumer/*.json "$consumer/"
cp tests/dist/.ts-consumer/testing.mts "$consumer/testing.cts" # the test kit's consumer, once as CommonJS

# Each runner prints its own ok / not ok lines; count them, and count a runner that crashed before any as one.
run_node() {
  local label="$1" file="$2" out status
  shift 2
  out="$(cd "$consumer" && node "$file" "$@" 2>&1)"
  status=$?
  echo "$out"
  local p f
  p=$(grep -c '^ok - ' <<<"$out")
  f=$(grep -c '^not ok - ' <<<"$out")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then not_ok "$label: node $file exited with $status"; fi
}
run_node esm esm.mjs
run_node cjs cjs.cjs
run_node documented documented.cjs "$root/docs/modules"

# The bundler build (the `module` condition, dist/module): it imports fp-ts and io-ts only from their es6/ folders,
# and esbuild, bundling with its default conditions (and the main fields of its browser platform, so that io-ts is
# its es6/ build too), picks it and no CommonJS file of the peers; the bundle passes
# the same checks as the Node builds.
module_dir="$consumer/node_modules/best-simple-cache/dist/module"
not_es6="$(grep -rhoE "^import [^;]* from '(fp-ts|io-ts)[^']*'" "$module_dir" | grep -v "'\(fp-ts\|io-ts\)/es6/[^']*\.js'$")"
if [ -f "$module_dir/index.mjs" ] && [ -z "$not_es6" ]; then
  ok "module: every dist/module import of fp-ts or io-ts is an es6/ file"
else
  echo "${not_es6:-no dist/module/index.mjs}" | sed 's/^/    /'
  not_ok "module: every dist/module import of fp-ts or io-ts is an es6/ file"
fi
cat >"$consumer/bundled.mjs" <<'EOF'
import * as pkg from 'best-simple-cache'
import * as t from 'io-ts'
import * as E from 'fp-ts/es6/Either.js'
import suite from './suite.cjs'
await suite.run('module (bundled by esbuild)', suite.checks(pkg, { t, E }))
EOF
if (cd "$consumer" && "$root/node_modules/.bin/esbuild" bundled.mjs --bundle --platform=node --main-fields=module,main --format=esm --external:./suite.cjs \
  --log-level=warning --metafile=bundled.meta.json --outfile=bundled.out.mjs) &&
  (cd "$consumer" && node -e '
    const inputs = Object.keys(require("./bundled.meta.json").inputs)
    const ours = inputs.filter((i) => i.includes("best-simple-cache/dist/"))
    const cjsPeers = inputs.filter((i) => /(fp-ts|io-ts)\/lib\//.test(i))
    if (ours.length === 0 || ours.some((i) => !i.includes("dist/module/")) || cjsPeers.length > 0) {
      console.log("    bundled:", ours.filter((i) => !i.includes("dist/module/")).concat(cjsPeers).join(", ") || "nothing of ours")
      process.exit(1)
    }'); then
  ok "module: esbuild's default conditions pick dist/module and fp-ts/io-ts es6/"
  run_node module bundled.out.mjs
else
  not_ok "module: esbuild's default conditions pick dist/module and fp-ts/io-ts es6/"
fi

type_check() {
  local config="$1" name="$2" out
  if out="$(cd "$consumer" && node node_modules/typescript/bin/tsc -p "$config" 2>&1)"; then
    ok "types: $name type-checks"
  else
    echo "$out" | sed 's/^/    /'
    not_ok "types: $name type-checks"
  fi
}
type_check tsconfig.esm.json "esm.mts (node16, ESM: import condition, .d.mts)"
type_check tsconfig.cjs.json "cjs.cts (node16, CommonJS: require condition, .d.cts)"
type_check tsconfig.testing.json "testing.mts, testing.cts (the test kit, ESM and CommonJS, with declarations that name its types)"
run_node snippets "$root/scripts/snippets.mjs" check "$consumer"

finish
