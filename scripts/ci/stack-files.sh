#!/usr/bin/env bash
# Prints `stacks=<JSON array>` of the stack files in the repository, for a job output:
# the stacks that nightly drift detection looks at (it skips those not deployed).
set -euo pipefail
names=()
for file in Pulumi.*.yaml; do
  [ -e "${file}" ] || continue
  name="${file#Pulumi.}"
  names+=("\"${name%.yaml}\"")
done
joined="$(IFS=,; echo "${names[*]-}")"
echo "stacks=[${joined}]"
