#!/usr/bin/env bash
# The image's build stage (Dockerfile): every dependency installed from the lockfile, dist/ built, then the
# devDependencies removed, leaving the tree the runtime stage copies (package.json, node_modules, dist, bin, schemas,
# LICENSE). test/package/image-tree.test.ts runs it, outside a container, on a copy of the build context.
#
# It rewrites node_modules and prunes the devDependencies, so it runs only in a copy of the project without .git (the
# build context), never in a clone, where it would leave node_modules without typescript, tsx or vitest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

fail() {
  echo "scripts/image/build.sh: $*" >&2
  exit 1
}

[[ -f package.json && -f package-lock.json ]] || fail "no package.json and package-lock.json in $root."
if [[ -e .git ]]; then
  fail "$root is a git checkout; this script deletes the devDependencies from node_modules. It is the image's build step: run \`docker build .\`, or run it in a copy of the build context."
fi

# Microseconds since the epoch: bash 5's EPOCHREALTIME, whole seconds from date on an older bash (macOS's 3.2).
now_us() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then echo "${EPOCHREALTIME/./}"; else echo $(($(date +%s) * 1000000)); fi
}
started_all=$(now_us)

# step <label> <command...>: prints the step, runs it, prints how long it took.
step() {
  local label=$1
  shift
  echo "==> ${label}"
  local started
  started=$(now_us)
  "$@"
  local ms=$((($(now_us) - started) / 1000))
  printf '==> %s: done in %d.%d s\n' "$label" $((ms / 1000)) $((ms % 1000 / 100))
}

# The Temporal Core SDK ships a native module for five platforms (about 27 MB each); the image runs on one.
keep_this_platforms_core_bridge() {
  node -e '
    const { readdirSync, rmSync } = require("node:fs");
    const { dirname, join } = require("node:path");
    const bridge = dirname(require.resolve("@temporalio/core-bridge/package.json", { paths: [require.resolve("@temporalio/worker")] }));
    const { getPrebuiltPath, getPrebuiltTargetName } = require(join(bridge, "common.js"));
    getPrebuiltPath(); // throws when this platform has no binary: keep everything and fail the build instead
    const keep = getPrebuiltTargetName();
    for (const target of readdirSync(join(bridge, "releases"))) {
      if (target !== keep) rmSync(join(bridge, "releases", target), { recursive: true, force: true });
    }
    console.log(`kept ${keep} in ${join(bridge, "releases")}`);
  '
}

require_build_output() {
  local missing=()
  for file in dist/cli/main.js dist/worker/main.js dist/client/index.js dist/client/index.mjs dist/workflow-bundle.js; do
    [[ -s $file ]] || missing+=("$file")
  done
  ((${#missing[@]} == 0)) || fail "the build left out ${missing[*]}; nothing was pruned."
}

echo "==> node $(node --version), npm $(npm --version), in $root"
# --include=dev: the build needs typescript and tsx even where NODE_ENV=production is set. --ignore-scripts: no
# dependency runs code at install (esbuild, @swc/core and protobufjs only check their binaries or versions), whatever
# the npm version's own policy for install scripts, so the image and the test that mimics it install alike.
step 'npm ci (every dependency, from package-lock.json)' npm ci --include=dev --ignore-scripts --no-audit --no-fund
step 'npm run build (dist/ and the workflow bundle)' npm run build
step 'checking the build output' require_build_output
step 'npm prune --omit=dev (devDependencies removed)' npm prune --omit=dev --ignore-scripts --no-audit --no-fund
step "keeping only this platform's Temporal core binary" keep_this_platforms_core_bridge
ms=$((($(now_us) - started_all) / 1000))
printf '==> image tree ready in %d.%d s: package.json node_modules dist bin schemas LICENSE\n' $((ms / 1000)) $((ms % 1000 / 100))
