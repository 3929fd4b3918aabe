#!/usr/bin/env bash
# The jupyterhub chart's values.yaml and values.schema.json for the hub-values checks,
# beside the clone as ../shared/z2jh/<version>/, as the workspace lays them out.
# Uses the runner's helm; the chart is public, so no credential is involved.
set -euo pipefail
version="${1:-4.4.0}"
target="../shared/z2jh/${version}"
if [ -f "${target}/values.schema.json" ]; then exit 0; fi
workdir="$(mktemp -d)"
trap 'rm -rf "${workdir}"' EXIT
helm repo add jupyterhub https://hub.jupyter.org/helm-chart/ >/dev/null
helm pull jupyterhub/jupyterhub --version "${version}" --untar --untardir "${workdir}"
mkdir -p "${target}"
cp "${workdir}/jupyterhub/values.yaml" "${workdir}/jupyterhub/values.schema.json" "${target}/"
