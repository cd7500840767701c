#!/usr/bin/env bash
# Web UI checks: typecheck, unit tests, production build, then a browser end-to-end run
# against the Release build of the API (build it first: scripts/test.sh does).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WEB="$ROOT/src/Wibot.Web"
API_DLL="$ROOT/src/Wibot.Api/bin/Release/net10.0/Wibot.Api.dll"
FAKE_DLL="$ROOT/tests/Wibot.FakeModel/bin/Release/net10.0/Wibot.FakeModel.dll"

# Chromium, and a colour emoji font so that screenshots show the mode icons (⚡ 💻 📝) as users see them.
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ] || ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then
  echo "Installing Chromium and fonts (Debian packages)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

cd "$WEB"
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run typecheck
npm run lint
npm test
npm run build
cd "$ROOT"

for dll in "$API_DLL" "$FAKE_DLL"; do
  if [ ! -f "$dll" ]; then
    echo "Missing $dll: build the solution in Release first (dotnet build Wibot.sln -c Release)." >&2
    exit 1
  fi
done

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
ADMIN_PASSWORD="Wb-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16)-a7Z!"
DB_NAME="wibot_e2e_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
LOG_FILE="$(mktemp -t wibot-e2e-api.XXXXXX.log)"

API_PID=""
NGINX_PID=""
FAKE_PID=""
cleanup() {
  if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
    kill "$FAKE_PID" 2>/dev/null || true
    for _ in $(seq 1 10); do kill -0 "$FAKE_PID" 2>/dev/null || break; sleep 0.3; done
    kill -9 "$FAKE_PID" 2>/dev/null || true
  fi
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill "$NGINX_PID" 2>/dev/null || true
  fi
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$API_PID" 2>/dev/null || true
  fi
  # Drop the throw-away database from the local cluster the API provisioned.
  # The cluster listens on 55432 unless that port was taken (then postgres.port remembers the one used).
  local pg_port=55432
  if [ -s "$ROOT/.wibot/postgres.port" ]; then pg_port="$(cat "$ROOT/.wibot/postgres.port")"; fi
  if [ -s "$ROOT/.wibot/postgres.secret" ] && command -v psql >/dev/null 2>&1; then
    PGPASSWORD="$(cat "$ROOT/.wibot/postgres.secret")" psql -q -h 127.0.0.1 -p "$pg_port" -U wibot -d postgres \
      -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT INT TERM

# The model is the local fake of Claude (the real Anthropic wire protocol, streamed in 8 chunks 120 ms apart),
# reached through the real Anthropic SDK; the e2e scripts failures through its /_fake/enqueue route.
# The same process hosts the tests' MCP tool server (--mcp-port): the chat's tool calls run against it.
FAKE_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
MCP_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
FAKE_LOG="$(mktemp -t wibot-e2e-fake-model.XXXXXX.log)"
dotnet "$FAKE_DLL" --port "$FAKE_PORT" --chunk-delay-ms 120 --mcp-port "$MCP_PORT" >"$FAKE_LOG" 2>&1 &
FAKE_PID=$!
FAKE_URL="http://127.0.0.1:$FAKE_PORT"
FAKE_MCP_URL="http://127.0.0.1:$MCP_PORT/mcp"
FAKE_MCP_SECRET="outil-secret-7f3a9c" # FakeToolServer.Secret (tests/Wibot.Api.Tests/Fakes/FakeToolServer.cs)
for _ in $(seq 1 50); do
  grep -q "Fake model listening" "$FAKE_LOG" 2>/dev/null && break
  sleep 0.2
done
if ! grep -q "Fake MCP tool server listening" "$FAKE_LOG" 2>/dev/null; then
  echo "The fake model or its MCP tool server did not start:" >&2
  cat "$FAKE_LOG" >&2 || true
  exit 1
fi
echo "Fake model (Anthropic protocol) on $FAKE_URL; fake MCP tool server on $FAKE_MCP_URL."

echo "Starting the API on port $PORT (database $DB_NAME, log $LOG_FILE)..."
(
  unset ConnectionStrings__Wibot
  export ASPNETCORE_ENVIRONMENT=Production
  export Jwt__Secret="$JWT_SECRET"
  export Bootstrap__AdminUsername=admin
  export Bootstrap__AdminPassword="$ADMIN_PASSWORD"
  export Llm__Provider=anthropic
  export Llm__Anthropic__ApiKey="fake-e2e-key"
  export Llm__Anthropic__BaseUrl="$FAKE_URL"
  export Database__Local__Database="$DB_NAME"
  export Web__RootPath="$WEB/dist"
  exec dotnet "$API_DLL" --urls "http://127.0.0.1:$PORT"
) >"$LOG_FILE" 2>&1 &
API_PID=$!

ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$API_PID" 2>/dev/null; then break; fi
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)"
  if [ "$code" = "200" ]; then ready=1; break; fi
  sleep 1
done
if [ -z "$ready" ]; then
  echo "The API did not become ready within 120 s. Last log lines:" >&2
  tail -n 40 "$LOG_FILE" >&2 || true
  exit 1
fi
echo "API ready."

# The browser goes through the real nginx from Debian with deploy/nginx.conf (SPA from dist/,
# /webhook/ and /health/ proxied to the API, streaming settings), as an installation serves it.
if ! command -v nginx >/dev/null 2>&1; then
  apt-get update -qq && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
  service nginx stop >/dev/null 2>&1 || true
fi
NGINX_DIR="$(mktemp -d -t wibot-nginx.XXXXXX)"
NGINX_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
sed -e "s#server api:8080;#server 127.0.0.1:$PORT;#" \
    -e "s#listen 80;#listen 127.0.0.1:$NGINX_PORT;#" \
    -e "s#root /usr/share/nginx/html;#root $WEB/dist;#" "$ROOT/deploy/nginx.conf" > "$NGINX_DIR/site.conf"
mkdir -p "$NGINX_DIR/logs"
{
  [ "$(id -u)" -eq 0 ] && echo "user root;"
  echo "pid $NGINX_DIR/nginx.pid;"
  echo "error_log $NGINX_DIR/logs/error.log;"
  echo "events {}"
  echo "http {"
  echo "  include /etc/nginx/mime.types;"
  echo "  access_log off;"
  echo "  client_body_temp_path $NGINX_DIR/body; proxy_temp_path $NGINX_DIR/proxy;"
  echo "  fastcgi_temp_path $NGINX_DIR/fastcgi; uwsgi_temp_path $NGINX_DIR/uwsgi; scgi_temp_path $NGINX_DIR/scgi;"
  echo "  include $NGINX_DIR/site.conf;"
  echo "}"
} > "$NGINX_DIR/nginx.conf"
nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/health/ready" || true)"
  [ "$code" = "200" ] && break
  sleep 0.2
done
echo "nginx (deploy/nginx.conf) on port $NGINX_PORT in front of the API."

status=0
WIBOT_URL="http://127.0.0.1:$NGINX_PORT" WIBOT_FAKE_MODEL_URL="$FAKE_URL" WIBOT_FAKE_MCP_URL="$FAKE_MCP_URL" WIBOT_FAKE_MCP_SECRET="$FAKE_MCP_SECRET" WIBOT_ADMIN_USER=admin WIBOT_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  node "$WEB/e2e/run.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "End-to-end test failed (exit $status). Last API log lines:" >&2
  tail -n 40 "$LOG_FILE" >&2 || true
fi
exit "$status"
