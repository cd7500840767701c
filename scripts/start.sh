#!/usr/bin/env bash
# Starts WIBOT: builds it, provisions PostgreSQL when no connection string is set, applies the
# migrations, creates the admin account, and serves the API (and web UI) on WIBOT_PORT (8080).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROOT="$(repo_root)"
cd "$ROOT"

ensure_dotnet
ensure_postgres_binaries

mkdir -p .wibot
if [ -z "${Jwt__Secret:-}" ]; then
  if [ ! -s .wibot/jwt-secret ]; then
    (umask 077; head -c 48 /dev/urandom | base64 -w0 > .wibot/jwt-secret)
  fi
  Jwt__Secret="$(cat .wibot/jwt-secret)"
  export Jwt__Secret
fi

if [ -f src/Wibot.Web/package.json ]; then
  ensure_node
  (cd src/Wibot.Web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
fi

echo "Building WIBOT..."
dotnet publish src/Wibot.Api -c Release -o .wibot/app --nologo -v quiet

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://0.0.0.0:${WIBOT_PORT:-8080}}"
export Rag__DocumentsPath="${Rag__DocumentsPath:-$ROOT/rag-documents}"
export Database__Local__Directory="${Database__Local__Directory:-$ROOT/.wibot}"
echo "WIBOT listening on ${ASPNETCORE_URLS}"
cd .wibot/app
exec dotnet Wibot.Api.dll
