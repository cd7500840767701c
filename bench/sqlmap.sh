#!/usr/bin/env bash
# sqlmap (Debian) against WIBOT's login, chat, conversation, admin, analytics, Safeguard and search routes.
# Starts the Release API on a throw-away database of the local cluster, creates the data the routes need,
# runs sqlmap on every parameter (JSON bodies, query strings, path segments) and prints a markdown table.
# Exit code 1 when sqlmap reports any parameter as injectable. Not part of the test suite (it takes minutes).
# Usage: bench/sqlmap.sh [--level N] [--risk N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh
LEVEL=2
RISK=1
while [ $# -gt 0 ]; do
  case "$1" in
    --level) LEVEL="$2"; shift 2 ;;
    --risk) RISK="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ensure_dotnet
ensure_postgres_binaries
command -v sqlmap >/dev/null 2>&1 || apt_install sqlmap
API_DLL="$ROOT/src/Wibot.Api/bin/Release/net10.0/Wibot.Api.dll"
[ -f "$API_DLL" ] || dotnet build src/Wibot.Api -c Release --nologo -v quiet

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD="Sq-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16)-a7Z!"
DB_NAME="wibot_sqlmap_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK="$(mktemp -d -t wibot-sqlmap.XXXXXX)"
API_PID=""
cleanup() {
  if [ -n "$API_PID" ]; then
    kill "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$API_PID" 2>/dev/null || true
  fi
  local pg_port=55432
  [ -s "$ROOT/.wibot/postgres.port" ] && pg_port="$(cat "$ROOT/.wibot/postgres.port")"
  if [ -s "$ROOT/.wibot/postgres.secret" ]; then
    PGPASSWORD="$(cat "$ROOT/.wibot/postgres.secret")" psql -q -h 127.0.0.1 -p "$pg_port" -U wibot -d postgres \
      -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

(
  unset ConnectionStrings__Wibot
  export ASPNETCORE_ENVIRONMENT=Production
  export Jwt__Secret="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
  export Bootstrap__AdminPassword="$ADMIN_PASSWORD"
  export Database__Local__Database="$DB_NAME"
  export Llm__Provider=offline
  # sqlmap sends thousands of requests: login throttling would answer 429 to most of them.
  export Auth__MaxFailuresPerUsername=100000000 Auth__MaxFailuresPerAddress=100000000 Auth__FreeFailures=100000000
  export Auth__PasswordIterations=1000
  export Logging__LogLevel__Default=Warning
  exec dotnet "$API_DLL" --urls "$BASE"
) >"$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready" || true)" = 200 ] && break
  kill -0 "$API_PID" 2>/dev/null || { tail -20 "$WORK/api.log" >&2; exit 1; }
  sleep 1
done

json() { python3 -c "import sys,json; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
post() { curl -s -X "${3:-POST}" "$BASE$1" -H 'Content-Type: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} ${KEY:+-H "X-Api-Key: $KEY"} -d "$2"; }

ADMIN="$(post /webhook/auth/login "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | json '["token"]')"
TOKEN="$ADMIN" post /webhook/wibot/admin/users '{"username":"sql.tech","password":"Sql-Tech-Pw-2026!","role":"user","accreditation_level":"N4"}' >/dev/null
TECH="$(post /webhook/auth/login '{"username":"sql.tech","password":"Sql-Tech-Pw-2026!"}' | json '["token"]')"
CONV="$(TOKEN="$TECH" post /webhook/wibot/chat '{"message":"Imprimante bloquée","mode":"flash"}' | json '["conversation_id"]')"
KEY="$(TOKEN="$ADMIN" post /webhook/wibot/admin/api-keys '{"name":"sqlmap-tool"}' | json '["key"]')"
REQ="$(KEY="$KEY" post /webhook/wibot/safeguard/requests '{"tool":"ad_reset_password","arguments":{"user":"jdupont"},"level":"L2","reason":"sqlmap"}' | json '["request_id"]')"
TECH_ID="$(TOKEN="$ADMIN" curl -s "$BASE/webhook/wibot/admin/users" -H "Authorization: Bearer $ADMIN" | python3 -c 'import sys,json; print(next(u["user_id"] for u in json.load(sys.stdin)["users"] if u["username"]=="sql.tech"))')"

# name | token | method | url (with * marks) | JSON body (with * marks) or empty
ONLY="${SQLMAP_ONLY:-}"
TARGETS=(
  "login|-|POST|$BASE/webhook/auth/login|{\"username\":\"sql.tech*\",\"password\":\"guess*\"}"
  "chat|$TECH|POST|$BASE/webhook/wibot/chat|{\"message\":\"bonjour*\",\"mode\":\"flash*\",\"conversation_id\":\"$CONV*\"}"
  "conversations list|$TECH|GET|$BASE/webhook/wibot/conversations?limit=20*&before=x*|"
  "messages of a conversation|$TECH|GET|$BASE/webhook/wibot/messages/$CONV*|"
  "messages (n8n query)|$TECH|GET|$BASE/webhook/wibot/messages?conversationId=$CONV*|"
  "conversation rename|$TECH|PATCH|$BASE/webhook/wibot/conversation/rename|{\"conversation_id\":\"$CONV*\",\"title\":\"Nouveau titre*\"}"
  "conversation delete|$TECH|DELETE|$BASE/webhook/wibot/conversations/00000000-0000-7000-8000-000000000001*|"
  "admin users create|$ADMIN|POST|$BASE/webhook/wibot/admin/users|{\"username\":\"sq.new*\",\"password\":\"Sq-New-Pw-2026!x*\",\"email\":\"a@b.fr*\",\"role\":\"user*\",\"accreditation_level\":\"N1*\"}"
  "admin users update|$ADMIN|PUT|$BASE/webhook/wibot/admin/users|{\"user_id\":$TECH_ID,\"email\":\"t@b.fr*\",\"role\":\"user*\",\"accreditation_level\":\"N4*\"}"
  "admin quota|$ADMIN|POST|$BASE/webhook/wibot/admin/users/$TECH_ID/quota|{\"add_tokens\":10*}"
  "analytics|$ADMIN|GET|$BASE/webhook/wibot/analytics?from=2026-11-01*&to=2026-12-31*&period=month*|"
  "rag search|$TECH|GET|$BASE/webhook/wibot/rag/search?q=imprimante*&type=procedure*&client=joseph*&limit=5*|"
  "safeguard list|$TECH|GET|$BASE/webhook/wibot/safeguard/requests?status=pending*&limit=50*|"
  "safeguard get|$TECH|GET|$BASE/webhook/wibot/safeguard/requests/$REQ*|"
  "safeguard reject|$TECH|POST|$BASE/webhook/wibot/safeguard/reject|{\"request_id\":\"$REQ*\",\"comment\":\"non*\"}"
)

echo "## sqlmap $(dpkg-query -W -f '${Version}' sqlmap 2>/dev/null) (Debian) — level $LEVEL, risk $RISK"
echo
echo "| target | result | seconds |"
echo "|---|---|---|"
found=0
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name token method url body <<<"$t"
  if [ -n "$ONLY" ] && [ "$name" != "$ONLY" ]; then continue; fi
  out="$WORK/$(echo "$name" | tr ' ()' '___')"
  args=(-u "$url" --method "$method" --batch --level "$LEVEL" --risk "$RISK" --flush-session --output-dir "$out"
        --ignore-code 400,401,403,404,409,413,415,422 --timeout 15 --time-sec 2 --threads 2 -v 1 --disable-coloring)
  [ "$token" != "-" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(--data "$body" -H "Content-Type: application/json")
  started=$(date +%s)
  sqlmap "${args[@]}" >"$out.log" 2>&1 || true
  seconds=$(( $(date +%s) - started ))
  # sqlmap's verdict is its last word on the target: candidates it then refutes ("appears to be … injectable",
  # followed by "does not seem to be injectable") are not findings.
  if grep -qiE "sqlmap identified the following injection point|is vulnerable" "$out.log"; then
    result="**INJECTABLE**"; found=1
    { echo "--- $name"; grep -iE "Parameter:|Type:|Payload:" "$out.log" | head -20; } >&2 || true
  elif grep -qiE "all tested parameters do not appear to be injectable" "$out.log"; then
    result="nothing found"
  else
    result="inconclusive"; found=2
    { echo "--- $name"; tail -5 "$out.log"; } >&2 || true
  fi
  echo "| $name | $result | $seconds |"
done
# The API must have answered no request with a 500 (sqlmap counts the error codes it met).
fives="$(cat "$WORK"/*.log | grep -oE '500 \(Internal Server Error\) - [0-9]+' | grep -oE '[0-9]+$' | paste -sd+ - | bc 2>/dev/null || true)"
echo
echo "Responses 500 seen by sqlmap over all targets: ${fives:-0}"
[ "${fives:-0}" = 0 ] || found=1
[ "$found" = 0 ] || exit 1
