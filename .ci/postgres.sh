#!/usr/bin/env bash
# Throwaway PostgreSQL for the welfare-store tests.
#
#   bash .ci/postgres.sh COMMAND...   start a cluster, run COMMAND with
#                                     WELFARE_TEST_POSTGRES_URL set, stop the cluster
#                                     (exit status: COMMAND's)
#   bash .ci/postgres.sh start        start one and print `export WELFARE_TEST_POSTGRES_URL=…`
#                                     and `export WELFARE_PG_DIR=…`
#   bash .ci/postgres.sh stop DIR     stop the cluster started in DIR and delete DIR
#
# Installs the Debian `postgresql` package if no server binaries are found. The cluster lives in
# a temporary directory, listens only on 127.0.0.1 on a free port, and is owned by the
# `postgres` user when run as root (the server refuses to run as root). The tests connect as
# an ordinary role, `welfare`, which owns the database: superusers bypass row-level security.
set -euo pipefail

find_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

ensure_installed() {
    if ! find_bin >/dev/null; then
        echo "postgres.sh: installing PostgreSQL from the Debian packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
    command -v psql >/dev/null || { apt-get install -y -qq postgresql-client >&2; }
}

as_owner() {
    # Runs "$@" as the cluster owner: postgres when we are root, ourselves otherwise.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'PY' 2>/dev/null || echo $(( 20000 + RANDOM % 20000 ))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

start() {
    ensure_installed
    local bin dir port
    bin=$(find_bin)
    dir=$(mktemp -d -t welfare-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(free_port)
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE welfare LOGIN PASSWORD 'welfare' NOSUPERUSER NOBYPASSRLS" \
        -c "CREATE DATABASE welfare OWNER welfare" >&2
    echo "$bin" >"$dir/bin"
    echo "$port" >"$dir/port"
    echo "export WELFARE_TEST_POSTGRES_URL=postgres://welfare:welfare@127.0.0.1:$port/welfare"
    echo "export WELFARE_PG_DIR=$dir"
}

stop() {
    local dir=$1
    [ -f "$dir/bin" ] || { echo "postgres.sh: $dir is not a cluster started by this script" >&2; exit 2; }
    as_owner "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:?usage: postgres.sh stop DIR}" ;;
    "") echo "usage: postgres.sh start | stop DIR | COMMAND..." >&2; exit 2 ;;
    *)
        eval "$(start)"
        trap 'stop "$WELFARE_PG_DIR"' EXIT
        export WELFARE_TEST_POSTGRES_URL
        set +e
        "$@"
        status=$?
        set -e
        exit $status
        ;;
esac
