#!/usr/bin/env bash
# Checks deploy/nginx.conf with the real nginx (the compose upstream host is swapped for loopback,
# since "api" only resolves inside the compose network).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for conf in nginx.conf nginx-legacy-client.conf; do
sed 's/server api:8080;/server 127.0.0.1:8080;/' "$here/$conf" > "$tmp/site.conf"
mkdir -p "$tmp/logs"
cat > "$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  include $tmp/site.conf;
}
CONF
nginx -t -q -c "$tmp/nginx.conf" -p "$tmp"
echo "deploy/$conf: nginx -t passed"
done
