#!/usr/bin/env bash
# Runs the whole test suite: unit, architecture and functional tests on a real PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROOT="$(repo_root)"
cd "$ROOT"

ensure_dotnet
ensure_postgres_binaries

# deploy/nginx.conf is checked with the real nginx from Debian.
if ! command -v nginx >/dev/null 2>&1; then
  apt_install nginx-light || apt_install nginx
  service nginx stop >/dev/null 2>&1 || true
fi
deploy/check-nginx.sh

dotnet tool restore >/dev/null
dotnet build Wibot.sln -c Release --nologo -v quiet
dotnet test Wibot.sln -c Release --no-build --nologo

# The OpenAPI document (kept equal to the served one by a functional test) passes Spectral with 0 errors.
scripts/lint-openapi.sh

# The web UI: typecheck, unit tests, build, and a real headless Chromium run against the Release API.
scripts/test-web.sh
