#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `.ci/postgres.sh start` prints its URL, `stop` ends it.
#
# start: installs Debian's postgresql when initdb is absent, runs initdb (as the `postgres`
#        user when run by root: initdb refuses root) in a temporary folder, starts the server on
#        a free loopback port with durability off (a test server: fsync off), and prints
#        postgresql://postgres@127.0.0.1:PORT/postgres (also written to $FACTCHECK_PG_DIR/url).
#        A server this script already started is reused.
# stop:  stops that server and removes its folder.
# url:   prints the URL of the running server.
#
# The folder is $FACTCHECK_PG_DIR (default: /tmp/factcheck-postgres-$UID). Use it as
#   export FACTCHECK_TEST_POSTGRES_URL=$(.ci/postgres.sh start)
set -euo pipefail
DIR=${FACTCHECK_PG_DIR:-${TMPDIR:-/tmp}/factcheck-postgres-$(id -u)}
DATA=$DIR/data

find_bin() {  # the folder holding initdb and pg_ctl, or nothing
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; fi
}

as_owner() {  # run a command as the data folder's owner (postgres when we are root)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() { [ -f "$DIR/url" ] && [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install_postgres() {
    echo "postgres.sh: installing postgresql (Debian packages)" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y -q postgresql >/dev/null 2>&1 \
        || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo apt-get install -y -q postgresql >/dev/null; }
}

BIN=$(find_bin)
case "${1:-}" in
start)
    if [ -z "$BIN" ]; then
        install_postgres
        BIN=$(find_bin)
        [ -n "$BIN" ] || { echo "postgres.sh: no initdb after installing postgresql" >&2; exit 1; }
    fi
    if running; then
        cat "$DIR/url"
        exit 0
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$DIR"
        as_owner test -w "$DIR" || {
            echo "postgres.sh: the postgres user cannot reach $DIR (a parent folder is private);" \
                "set FACTCHECK_PG_DIR to a folder under /tmp" >&2
            exit 1
        }
    fi
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; exit 1; }
    PORT=$(free_port)
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start -o \
        "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
    URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
    echo "$URL" | as_owner tee "$DIR/url" >/dev/null
    echo "$URL"
    ;;
stop)
    if [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    ;;
url)
    running || { echo "postgres.sh: no server running (start it first)" >&2; exit 1; }
    cat "$DIR/url"
    ;;
*)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
