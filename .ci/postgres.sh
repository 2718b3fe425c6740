#!/usr/bin/env bash
# Start a throw-away PostgreSQL for the `postgres`-marked tests (CI and developers).
#
#   eval "$(.ci/postgres.sh)"        # starts (or reuses) the server, exports TDG_TEST_POSTGRES_URL
#   .ci/postgres.sh stop             # stops it
#
# Installs PostgreSQL with apt-get when the server binaries are missing, initialises a cluster
# in $TDG_PG_DIR (default /tmp/tdg-postgres) owned by the `postgres` user, listens on 127.0.0.1
# only (trust authentication: test use only), on $TDG_PG_PORT (default 54329, or the next free
# port), and creates database tdg_test. Idempotent: a running server is reused.
set -euo pipefail

DIR="${TDG_PG_DIR:-/tmp/tdg-postgres}"
PORT="${TDG_PG_PORT:-54329}"
DB=tdg_test
LOG="$DIR.log"

find_bin() {
  local name=$1 found
  found=$(command -v "$name" 2>/dev/null || true)
  if [ -z "$found" ]; then
    found=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  echo "$found"
}

PG_CTL=$(find_bin pg_ctl)
if [ -z "$PG_CTL" ] || [ -z "$(find_bin initdb)" ]; then
  echo "postgres.sh: installing PostgreSQL with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 && apt-get install -y postgresql >&2
  PG_CTL=$(find_bin pg_ctl)
fi
BIN=$(dirname "$(readlink -f "$PG_CTL")")

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

if [ "${1:-start}" = stop ]; then
  if [ -f "$DIR/PG_VERSION" ]; then as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast stop >&2 || true; fi
  exit 0
fi

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir "$DIR" --shell /bin/bash postgres
fi

if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$DIR" && chmod 700 "$DIR"
  as_postgres "$BIN/initdb" -D "$DIR" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
fi

if as_postgres "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  PORT=$(cat "$DIR/tdg-port")
else
  port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  while port_busy "$PORT"; do PORT=$((PORT + 1)); done
  touch "$LOG" && { [ "$(id -u)" != 0 ] || chown postgres: "$LOG"; }
  as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR" start >&2
  echo "$PORT" >"$DIR/tdg-port"
fi

if ! as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_postgres "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi

echo "export TDG_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
