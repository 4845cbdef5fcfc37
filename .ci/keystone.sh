#!/usr/bin/env bash
# A real Keystone for the interop tests: Debian's python3-keystone under uwsgi, on sqlite (WAL
# mode, so concurrent requests never meet "database is locked") with fernet tokens, listening on
# 127.0.0.1 at a random free port. bcrypt runs at its minimum cost (4 rounds) so a sign-in takes
# milliseconds of hashing, not a second.
# uwsgi speaks HTTP/1.1 with keep-alive (--http11-socket): with --http-socket it closes each
# connection after its answer without saying so, and a client that sends its next request on
# it (the sign-in POST after the version GET) meets "Connection reset by peer" now and then.
#
# Bootstraps one user `demo` (password `secret`) with the admin role on project `demo` in the
# Default domain (the mock cloud's credentials), and registers a compute service whose endpoints
# point at a free loopback port where `novatrace cloud --port P --keystone URL` is to listen.
#
# Idempotent: when the Keystone of an earlier call still answers, nothing is redone. Prints
# `export NAME=value` lines, so `eval "$(.ci/keystone.sh)"` exports:
#   NOVATRACE_KEYSTONE_URL   the Keystone root (auth URL: $NOVATRACE_KEYSTONE_URL/v3)
#   NOVATRACE_KEYSTONE_NOVA_PORT   the port the catalog's compute endpoint names
# Progress goes to stderr. State lives in $NOVATRACE_KEYSTONE_DIR (default
# /tmp/novatrace-keystone); `.ci/keystone.sh stop` stops the server.
set -euo pipefail

DIR=${NOVATRACE_KEYSTONE_DIR:-/tmp/novatrace-keystone}
PY=/usr/bin/python3 # Debian's Python: it has the keystone package
CONF=$DIR/etc/keystone.conf
PIDFILE=$DIR/uwsgi.pid
ENVFILE=$DIR/env

say() { echo "keystone.sh: $*" >&2; }

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

answers() { # URL -> true when Keystone's v3 version document comes back
  "$PY" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/v3", timeout=10) as r:
    sys.exit(0 if b'"v3.' in r.read() else 1)
EOF
}

stop() { # SIGTERM to uwsgi's master, then wait (10 s at most) until it has gone
  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    rm -f "$PIDFILE"
  fi
}

if [ "${1:-}" = stop ]; then
  stop
  exit 0
fi

if [ -f "$ENVFILE" ] && [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  # shellcheck disable=SC1090
  . "$ENVFILE"
  if answers "$NOVATRACE_KEYSTONE_URL"; then
    say "already running at $NOVATRACE_KEYSTONE_URL"
    cat "$ENVFILE"
    exit 0
  fi
fi

for tool in keystone-manage uwsgi; do
  command -v "$tool" >/dev/null 2>&1 || {
    say "$tool is missing (apt-get install python3-keystone uwsgi uwsgi-plugin-python3)"
    exit 1
  }
done

stop
rm -rf "$DIR"
mkdir -p "$DIR/etc" "$DIR/fernet-keys" "$DIR/credential-keys"
PORT=$(free_port)
NOVA_PORT=$(free_port)
URL="http://127.0.0.1:$PORT"

cat >"$CONF" <<EOF
[DEFAULT]
log_file = $DIR/keystone.log
[database]
connection = sqlite:///$DIR/keystone.db
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $DIR/fernet-keys
[credential]
key_repository = $DIR/credential-keys
[identity]
password_hash_algorithm = bcrypt
password_hash_rounds = 4
[cache]
enabled = false
EOF

manage() { keystone-manage --config-file "$CONF" "$@" >>"$DIR/manage.log" 2>&1; }
say "db_sync (sqlite, $DIR/keystone.db)"
manage db_sync
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA journal_mode=WAL").fetchone()[0]); c.close()' \
  "$DIR/keystone.db" | grep -qi wal || { say "could not switch sqlite to WAL mode"; exit 1; }
manage fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
manage credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
say "bootstrap (user demo, project demo, region RegionOne)"
manage bootstrap --bootstrap-username demo --bootstrap-password secret \
  --bootstrap-project-name demo --bootstrap-role-name admin \
  --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
  --bootstrap-admin-url "$URL" --bootstrap-public-url "$URL" --bootstrap-internal-url "$URL"

say "uwsgi on $URL"
OS_KEYSTONE_CONFIG_FILES=$CONF uwsgi --plugin python3 --http11-socket "127.0.0.1:$PORT" \
  --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 1 --threads 2 \
  --env "OS_KEYSTONE_CONFIG_FILES=$CONF" --pidfile "$PIDFILE" --daemonize "$DIR/uwsgi.log" \
  --die-on-term --lazy-apps >/dev/null

for _ in $(seq 1 120); do
  answers "$URL" && break
  sleep 1
done
answers "$URL" || { say "Keystone did not answer within 120 s (see $DIR/uwsgi.log)"; tail -20 "$DIR/uwsgi.log" >&2; exit 1; }

say "registering the compute endpoint http://127.0.0.1:$NOVA_PORT/v2.1"
"$PY" - "$URL" "http://127.0.0.1:$NOVA_PORT/v2.1" <<'EOF'
import json, sys, urllib.request

base, compute = sys.argv[1], sys.argv[2]

def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.headers, json.loads(r.read() or b"null")

auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "demo", "domain": {"id": "default"}, "password": "secret"}}},
    "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}
headers, _ = call("POST", "/v3/auth/tokens", auth)
token = headers["X-Subject-Token"]
_, services = call("GET", "/v3/services?type=compute", token=token)
if services["services"]:
    service = services["services"][0]["id"]
else:
    _, created = call("POST", "/v3/services", {"service": {"type": "compute", "name": "nova"}}, token)
    service = created["service"]["id"]
for interface in ("public", "internal", "admin"):
    call("POST", "/v3/endpoints", {"endpoint": {"service_id": service, "interface": interface,
                                                 "region_id": "RegionOne", "url": compute}}, token)
EOF

{
  echo "export NOVATRACE_KEYSTONE_URL=$URL"
  echo "export NOVATRACE_KEYSTONE_NOVA_PORT=$NOVA_PORT"
} >"$ENVFILE"
say "ready: $URL (auth URL $URL/v3); compute endpoint port $NOVA_PORT"
cat "$ENVFILE"
