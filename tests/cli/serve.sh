#!/usr/bin/env bash
# `sesame serve`: --help shows the portal server's flags; the server starts over the --db database
# on a free port and serves the demo portal; wrong flags and a missing database are refused.
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

# The server runs until it is stopped; its "serving" line (with the port it got) is read from a pipe.
mkfifo "$work/server.err"
"$SESAME" serve --port 0 --portal demo 2>"$work/server.err" >/dev/null &
server=$!
stop_server() {
    if [[ -n $server ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    fi
}
trap 'stop_server; rm -rf "$work"' EXIT
exec 3<"$work/server.err"
url=""
while IFS= read -r -t 30 line <&3; do
    if [[ $line =~ serving\ portal\ \"demo\"\ on\ (http://127\.0\.0\.1:[0-9]+/) ]]; then
        url=${BASH_REMATCH[1]}
        break
    fi
done
[[ -n $url ]] || fail "sesame serve printed no 'serving portal \"demo\" on http://127.0.0.1:PORT/' line"
# Keep draining the server's stderr so it never blocks on a full pipe.
cat <&3 >/dev/null &
page=$(curl -sS --max-time 10 "$url")
[[ $page == *"Demo Portal"* ]] || fail "the served page does not name the demo portal: ${page:0:300}"
stop_server
echo "cli serve: $step steps passed"
