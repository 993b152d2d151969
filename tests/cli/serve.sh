#!/usr/bin/env bash
# `sesame serve`: --help shows the portal server's flags; the server starts over the --db database
# on a free port and serves the demo portal; wrong flags, a missing, empty or write-protected
# database and a wrong key are refused.
#
# Usage: serve.sh PATH/TO/sesame
set -euo pipefail
SESAME=${1:?usage: serve.sh PATH/TO/sesame}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v curl >/dev/null || fail "curl is needed to fetch a page"

expect_ok serve --help
[[ $out == *"Usage: sesame [--db PATH] [--key-file PATH] [--blob-dir DIR] serve"* ]] || fail "serve --help usage"
[[ $out == *"--staff-token-file PATH"* && $out == *"--port N"* ]] || fail "serve --help lacks the portal server's flags"

expect_error 2 'unknown flag "--colour"' serve --colour red
expect_error 1 "no database at $work/absent.db" --db "$work/absent.db" serve --port 0

expect_ok init --demo

# Start-up refuses, changing nothing: an empty database file, a write-protected one, and a key that
# is not the database's key.
: >"$work/empty.db"
expect_error 1 "is an empty file, not a Sesame database" --db "$work/empty.db" serve --port 0
[[ ! -s "$work/empty.db" ]] || fail "the empty database file was written to"
chmod 0444 "$SESAME_DB"
before=$(sha256sum "$SESAME_DB")
expect_error 1 "is write-protected" serve --port 0
[[ $(sha256sum "$SESAME_DB") == "$before" ]] || fail "the write-protected database was changed"
chmod 0644 "$SESAME_DB"
head -c 32 /dev/urandom >"$work/other.key"
chmod 0600 "$work/other.key"
before=$(sha256sum "$SESAME_DB")
expect_error 1 "the master key is not this database's key" --key-file "$work/other.key" serve --port 0
[[ $(sha256sum "$SESAME_DB") == "$before" ]] || fail "the database was changed by a start with the wrong key"

# The server runs until it is stopped; its "serving" line (with the port it got) is read from a pipe,
# and what it printed before that line is kept in $startup.
mkfifo "$work/server.err"
server=""
stop_server() {
    if [[ -n $server ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    fi
}
trap 'stop_server; rm -rf "$work"' EXIT
start_server() {
    "$SESAME" serve --port 0 --portal demo 2>"$work/server.err" >/dev/null &
    server=$!
    exec 3<"$work/server.err"
    url="" startup=""
    while IFS= read -r -t 30 line <&3; do
        if [[ $line =~ serving\ portal\ \"demo\"\ on\ (http://127\.0\.0\.1:[0-9]+/) ]]; then
            url=${BASH_REMATCH[1]}
            break
        fi
        startup+="$line"$'\n'
    done
    [[ -n $url ]] || fail "sesame serve printed no 'serving portal \"demo\"' line: $startup"
    # Keep draining the server's stderr so it never blocks on a full pipe.
    cat <&3 >/dev/null &
    exec 3<&-
}

start_server
page=$(curl -sS --max-time 10 "$url")
[[ $page == *"Demo Portal"* ]] || fail "the served page does not name the demo portal: ${page:0:300}"
# The demo agency is in simulate mode: no transport is a note, not a warning.
[[ $startup == *"note: the agency is in simulate mode"* ]] || fail "no simulate-mode note: $startup"
[[ $startup == *"note: no SMS transport"* && $startup != *"WARNING: no SMS transport"* ]] ||
    fail "a simulate agency without transports should get notes, not warnings: $startup"
stop_server

# A live agency without transports would leave its messages queued: that is a warning.
expect_ok agency set-send-mode 1 live
start_server
[[ $startup == *"WARNING: no SMS transport"* && $startup == *"WARNING: no email transport"* ]] ||
    fail "a live agency without transports gets no warning: $startup"
[[ $startup != *"simulate mode"* ]] || fail "a live agency is called simulate: $startup"
stop_server
echo "cli serve: $step steps passed"
