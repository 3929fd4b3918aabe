#!/usr/bin/env bash
# Deploys one stack: `pulumi up` with the policy pack when the repository has one.
# A stack that is not in the backend yet is refused: its first `pulumi stack init` and
# secrets are set by a person (docs/ci.md), since the stack file's secure values are
# encrypted with that stack's key.
# Usage: pulumi-up.sh <stack>; needs PULUMI_BACKEND_URL and the clouds' credentials.
set -euo pipefail
stack="${1:?usage: pulumi-up.sh <stack>}"
if ! pulumi stack ls --json --non-interactive | grep -q "\"name\": *\"\([^\"]*/\)\?${stack}\""; then
  echo "::error::stack ${stack} is not in the backend; initialise it first (docs/ci.md, 'A new tenant')" >&2
  exit 1
fi
policy=()
if [ -d policy ]; then
  policy=(--policy-pack policy)
fi
pulumi up --stack "${stack}" --yes --diff --non-interactive --color never "${policy[@]}"
