#!/usr/bin/env bash
# Shared helpers for start.sh and test.sh: install what WIBOT needs on a Debian machine.
set -euo pipefail

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: $* (run as root or install them: apt-get install $*)" >&2
    return 1
  fi
  if [ -z "${WIBOT_APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null
    export WIBOT_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (dotnet on PATH)." >&2
    exit 1
  fi
}

# PostgreSQL server binaries, for the self-provisioned local cluster.
ensure_postgres_binaries() {
  if [ -n "${ConnectionStrings__Wibot:-}" ]; then return 0; fi
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then return 0; fi
  echo "Installing PostgreSQL server binaries..."
  apt_install postgresql
  # Debian's package starts its own cluster; WIBOT runs its own and does not need it.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do pg_ctlcluster ${c/\// } stop 2>/dev/null || true; done
  fi
}

ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then return 0; fi
  echo "Installing Node.js and npm..."
  apt_install nodejs npm
}
