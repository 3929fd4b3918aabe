#!/usr/bin/env bash
# Posts the render diff (and the preview, when the run made one) of a finished
# "pull request" run as the one hubfleet comment on its pull request.
# Usage: post-pr-report.sh <directory with render-diff/ and preview/>; needs GITHUB_TOKEN,
# GITHUB_REPOSITORY and HEAD_SHA (the commit that run tested) in the environment.
set -euo pipefail
dir="${1:?usage: post-pr-report.sh <artifacts directory>}"
: "${HEAD_SHA:?HEAD_SHA must be the head commit of the finished run}"
pr="$(head -n 1 "${dir}/render-diff/pr-number")"
case "${pr}" in
  '' | *[!0-9]*)
    echo "not a pull request number: '${pr}'" >&2
    exit 1
    ;;
esac
summary="${dir}/render-diff/summary.md"
if [ ! -f "${summary}" ]; then
  summary="$(mktemp)"
  printf '%s\n' "The render diff did not finish; the run's log says why." > "${summary}"
fi
npx tsx scripts/ci/pr-comment.ts --pr "${pr}" --head-sha "${HEAD_SHA}" --section render-diff --file "${summary}"
if [ -f "${dir}/preview/preview.md" ]; then
  npx tsx scripts/ci/pr-comment.ts --pr "${pr}" --head-sha "${HEAD_SHA}" --section preview --file "${dir}/preview/preview.md"
fi
