#!/usr/bin/env bash
# RAG retrieval evaluation: eval-corpus questions and the historical question set, side by side.
# Needs the Release build of the API (dotnet build Wibot.sln -c Release). Usage:
#   bench/rag/eval.sh [--only=eval|old] [--misses=5|10]
set -euo pipefail
exec python3 "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/eval.py" "$@"
