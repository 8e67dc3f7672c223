#!/usr/bin/env bash
# The built package on the runtimes its users run: Node 22, 24 and 26, Bun, Deno, and a bundled page in headless
# Chromium. Usage: bash scripts/test-runtimes.sh [node22 node24 node26 bun deno chromium] (default: all of them).
#
# - Installs the pinned runtimes of tests/runtimes/package.json into .runtimes/ (git-ignored; reused while the
#   pins are unchanged): npm packages that each ship one runtime's linux-x64 binary, with no install script, so the
#   binaries run offline once installed. RUNTIMES_DIR overrides the folder.
# - Packs the package and installs the tarball into a temporary consumer folder next to links to this project's
#   fp-ts, io-ts, TypeScript and @types/node, as scripts/test-dist.sh does.
# - On each runtime: the dist smoke tests (tests/dist/esm.mjs, tests/dist/cjs.cjs) and the runnable programs of
#   README.md and docs/guides (scripts/snippets.mjs extract, compiled to ESM JavaScript by tsc, run by
#   tests/runtimes/programs.mjs).
#   Deno loads the package the way a Deno user with a package.json does: from node_modules
#   (--node-modules-dir=manual), by bare and by `npm:` specifiers (tests/runtimes/npm-specifier.mjs).
# - Chromium (Debian's `chromium`, on the PATH): tests/browser/run.mjs bundles a page with esbuild and checks a
#   cached fetch (a hit, a miss, single flight) against a local server.
# Prints one `ok - ...` or `not ok - ...` line per check, then `# runtimes: N ok, M not ok`. With
# RUNTIMES_RESULTS_FILE set, also writes `N M` there (used by .ci/run). Needs `npm run build` first.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

runtimes_dir="${RUNTIMES_DIR:-$root/.runtimes}"
all=(node22 node24 node26 bun deno chromium)
selected=("$@")
if [ "${#selected[@]}" -eq 0 ]; then selected=("${all[@]}"); fi

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

finish() {
  echo "# runtimes: ${passed} ok, ${failed} not ok"
  if [ -n "${RUNTIMES_RESULTS_FILE:-}" ]; then echo "${passed} ${failed}" >"$RUNTIMES_RESULTS_FILE"; fi
  [ "$failed" -eq 0 ]
  exit $?
}

if [ ! -f dist/esm/index.mjs ] || [ ! -f dist/cjs/index.cjs ]; then
  not_ok "dist/ is built (run npm run build)"
  finish
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/best-simple-cache-runtimes.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Deno keeps its caches under the temporary folder, and neither Deno nor npm asks or checks for updates.
export DENO_DIR="$work/deno" DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR=1
export npm_config_update_notifier=false

# --- the runtimes --------------------------------------------------------------------------------------------------

install_runtimes() {
  local pins="$root/tests/runtimes/package.json"
  if [ -f "$runtimes_dir/.installed" ] && cmp -s "$pins" "$runtimes_dir/package.json"; then
    echo "# runtimes: the pinned binaries are already in $(basename "$runtimes_dir")/"
    return 0
  fi
  rm -rf "$runtimes_dir" && mkdir -p "$runtimes_dir" && cp "$pins" "$runtimes_dir/package.json"
  local start=$SECONDS
  if (cd "$runtimes_dir" && npm install --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error); then
    touch "$runtimes_dir/.installed"
    echo "# runtimes: installed in $((SECONDS - start)) s"
  else
    return 1
  fi
}

# The command that runs a JavaScript file on runtime $1, into the array `cmd`; $2 is the purpose (`smoke`, `programs`):
# Deno gets read access for the smoke tests (they list dist/) and nothing for the programs.
runtime_cmd() {
  local bin="$runtimes_dir/node_modules"
  case "$1" in
    node*) cmd=("$bin/$1/bin/node") ;;
    bun) cmd=("$bin/@oven/bun-linux-x64/bin/bun") ;;
    deno)
      cmd=("$bin/@deno/linux-x64-glibc/deno" run --node-modules-dir=manual)
      if [ "$2" = smoke ]; then cmd+=(--allow-read); fi
      ;;
  esac
}

# The version a runtime's pin names (node22 -> 22.23.5), from tests/runtimes/package.json.
pinned_version() {
  node -e '
    const deps = require(process.argv[1]).dependencies
    const name = { bun: "@oven/bun-linux-x64", deno: "@deno/linux-x64-glibc" }[process.argv[2]] ?? process.argv[2]
    console.log(String(deps[name]).replace(/^.*@/, ""))
  ' "$root/tests/runtimes/package.json" "$1"
}

check_version() {
  local name="$1" want have
  want="$(pinned_version "$name")"
  runtime_cmd "$name" smoke
  have="$("${cmd[0]}" --version 2>&1 | head -1)"
  if [[ "$have" == *"$want"* ]]; then
    ok "$name: the pinned binary runs ($have)"
  else
    not_ok "$name: $want runs (got: $have)"
  fi
}

# --- the consumer folder -------------------------------------------------------------------------------------------

consumer="$work/consumer"
make_consumer() {
  mkdir -p "$consumer/node_modules/best-simple-cache" "$consumer/node_modules/@types" &&
    npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1 &&
    tar -xzf "$work"/best-simple-cache-*.tgz -C "$consumer/node_modules/best-simple-cache" --strip-components=1 || {
    cat "$work/pack.log"
    return 1
  }
  for dep in fp-ts io-ts typescript @types/node ioredis; do ln -s "$root/node_modules/$dep" "$consumer/node_modules/$dep"; done
  echo '{ "name": "consumer", "private": true }' >"$consumer/package.json"
  cp tests/dist/suite.cjs tests/dist/testing.cjs tests/dist/esm.mjs tests/dist/cjs.cjs tests/runtimes/npm-specifier.mjs "$consumer/"
}

# Runs one JavaScript file (and its arguments) with `cmd` in the consumer folder and counts the ok / not ok lines it
# prints, each labelled with the runtime; a run that fails before printing a not ok line counts as one.
run_counted() {
  local label="$1" out status p f
  shift
  out="$(cd "$consumer" && timeout 120 "${cmd[@]}" "$@" 2>&1)"
  status=$?
  out="$(sed -E "s/^(not ok|ok) - /\\1 - $label /" <<<"$out")"
  echo "$out"
  p=$(grep -c '^ok - ' <<<"$out")
  f=$(grep -c '^not ok - ' <<<"$out")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then not_ok "$label: ${cmd[0]##*/} $1 exited with $status"; fi
}

smoke_tests() {
  local name="$1"
  runtime_cmd "$name" smoke
  run_counted "$name" esm.mjs
  run_counted "$name" cjs.cjs
  if [ "$name" = deno ]; then run_counted "$name" npm-specifier.mjs; fi
}

# --- the docs' programs (README.md, docs/guides) ----------------------------------------------------------------------

programs="$consumer/programs"
# Extracts the checked code blocks of the docs and compiles them to ESM JavaScript (.js next to each .ts).
compile_programs() {
  if [ ! -f scripts/snippets.mjs ]; then
    not_ok "docs programs: scripts/snippets.mjs extracts the docs' code blocks (it is not in this checkout)"
    return 1
  fi
  local out
  if ! out="$(node scripts/snippets.mjs extract "$programs" 2>&1)"; then
    echo "$out" | sed 's/^/    /'
    not_ok "docs programs: scripts/snippets.mjs extract"
    return 1
  fi
  cp tests/runtimes/programs.tsconfig.json "$programs/tsconfig.json"
  echo '{ "type": "module" }' >"$programs/package.json"
  if out="$(cd "$consumer" && node node_modules/typescript/bin/tsc -p programs 2>&1)"; then
    ok "docs programs (README.md, docs/guides) compile to ESM JavaScript (tsc, node16, against the packed package)"
  else
    echo "$out" | sed 's/^/    /'
    not_ok "docs programs (README.md, docs/guides) compile to ESM JavaScript (tsc, node16, against the packed package)"
  fi
}

run_programs() {
  runtime_cmd "$1" programs
  local runner=("$root/tests/runtimes/programs.mjs" "$programs" --)
  local runtime=("${cmd[@]}")
  cmd=(node)
  run_counted "$1" "${runner[@]}" "${runtime[@]}"
}

# --- main ----------------------------------------------------------------------------------------------------------

wants() { [[ " ${selected[*]} " == *" $1 "* ]]; }

if make_consumer; then ok "npm pack, and the tarball installs into a consumer folder"; else
  not_ok "npm pack, and the tarball installs into a consumer folder"
  finish
fi

engines=()
for name in node22 node24 node26 bun deno; do if wants "$name"; then engines+=("$name"); fi; done
if [ "${#engines[@]}" -gt 0 ]; then
  if install_runtimes; then ok "the pinned runtimes install (tests/runtimes/package.json)"; else
    not_ok "the pinned runtimes install (tests/runtimes/package.json)"
    engines=()
  fi
  compiled=0
  if compile_programs; then compiled=1; fi
  for name in "${engines[@]}"; do
    check_version "$name"
    smoke_tests "$name"
    if [ "$compiled" -eq 1 ]; then run_programs "$name"; fi
  done
fi

if wants chromium; then
  if command -v chromium >/dev/null; then
    cmd=(node)
    run_counted chromium "$root/tests/browser/run.mjs" "$consumer"
  else
    not_ok "chromium: Debian's chromium is installed (apt-get install -y chromium)"
  fi
fi

finish
