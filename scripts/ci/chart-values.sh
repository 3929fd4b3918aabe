#!/usr/bin/env bash
# The jupyterhub chart's values.yaml and values.schema.json for the hub-values checks,
# beside the clone as ../shared/z2jh/<version>/, as the workspace lays them out.
# Downloads the released chart package from the chart repository (public, no credential).
set -euo pipefail
version="${1:-4.4.0}"
target="../shared/z2jh/${version}"
if [ -f "${target}/values.schema.json" ]; then exit 0; fi
workdir="$(mktemp -d)"
trap 'rm -rf "${workdir}"' EXIT
curl --fail --silent --show-error --location "https://hub.jupyter.org/helm-chart/jupyterhub-${version}.tgz" | tar -xz -C "${workdir}"
mkdir -p "${target}"
cp "${workdir}/jupyterhub/values.yaml" "${workdir}/jupyterhub/values.schema.json" "${target}/"
