#!/usr/bin/env bash
# WIBOT benchmarks: prints markdown tables of figures (not a test; see bench/Wibot.Bench/Program.cs).
# Usage: bench/run.sh [--quick] [--skip-rag-scale] [--only=reads,chat,chatteam,stream,streams1000,safeguard,tools,scaleout,rag,ragscale]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
ensure_dotnet
ensure_postgres_binaries
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v nginx >/dev/null 2>&1 || { apt_install nginx-light || apt_install nginx; service nginx stop >/dev/null 2>&1 || true; }
dotnet build src/Wibot.Api -c Release --nologo -v quiet
dotnet run --project bench/Wibot.Bench -c Release -- "$@"
