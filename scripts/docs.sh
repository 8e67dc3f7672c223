#!/usr/bin/env bash
# Generates docs/modules/*.md from the JSDoc in lib/ with docs-ts, which also type-checks and runs every
# @example. Fails when an example fails, an export lacks a description or @since (see docs-ts.json), or a
# signature on a page shows `any` or an `@internal` member (scripts/docs-ts.cjs).
#
# docs-ts rewrites `from 'best-simple-cache'` in examples to `from '../../src'`, so while it runs a `src` link
# points at lib/ (git-ignored); the trap removes it however the run ends. docs/examples/ is its scratch folder.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -e src ] || [ -L src ]; then
  if [ "$(readlink src 2>/dev/null || true)" != "lib" ]; then
    echo "docs: ./src exists and is not the link to lib/ this script makes; move it away first" >&2
    exit 1
  fi
  rm -f src # a link left by a run that was killed
fi

cleanup() {
  if [ -L src ]; then rm -f src; fi
  rm -rf docs/examples
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ln -s lib src
# docs-ts starts `ts-node` by name; make sure it is this project's one.
PATH="$PWD/node_modules/.bin:$PATH" node scripts/docs-ts.cjs
