#!/usr/bin/env bash
# Lints the OpenAPI document with Spectral (spectral:oas and the OWASP API Security ruleset): 0 errors
# or the run fails. The document linted is src/Wibot.Web/openapi.json, which a functional test keeps
# identical to the one the API serves (tests/Wibot.Api.Tests/Common/OpenApiDocumentTests.cs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/tools/openapi-lint"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund --silent; fi
npm run -s lint -- --display-only-failures 2>&1 | tail -n 5
