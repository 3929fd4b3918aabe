#!/usr/bin/env bash
# The Debian packages the tests run for real: PostgreSQL (the estate's SQL),
# JupyterHub (authenticators, hooks, services), Chromium (web pages) and shellcheck
# (workflow and image shell). Skips the install when every command is already there.
set -euo pipefail
packages=(postgresql jupyterhub chromium shellcheck)
missing=()
command -v pg_ctlcluster >/dev/null || [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
[ -x /usr/bin/jupyterhub ] || missing+=(jupyterhub)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" >/dev/null
