#!/usr/bin/env bash
# Throughput of the example portal under wrk: GET / (the sign-in page, no session) and GET
# /dashboard with a live session cookie (session check, merge-tag dashboard, events, cases,
# documents, sidebar). A measurement, not a test: it prints the figures for docs/performance.md.
#
#   bench/portal-wrk.sh [--duration 10s] [--connections 32] [--threads 2]
#
# It builds the release build, makes a demo database in a temporary directory, serves it on a
# free loopback port, signs Ann in through curl (email, code from `sesame feed`) and runs wrk.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

duration=10s
connections=32
threads=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    *) echo "usage: bench/portal-wrk.sh [--duration 10s] [--connections N] [--threads N]" >&2; exit 2 ;;
  esac
  shift
done

scripts/install-deps
scripts/build release --target sesame_cli sesame_portal >/dev/null
SESAME=build/release/examples/cli/sesame
SERVER=build/release/examples/portal_server/sesame-portal

work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

db=$work/sesame.db
"$SESAME" --db "$db" init --demo >/dev/null
"$SERVER" --db "$db" --port 0 2>"$work/server.log" &
server_pid=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^serving portal "[^"]*" on \(http:\/\/[^/ ]*\)\/.*/\1/p' "$work/server.log")
  [[ -n "$url" ]] && break
  read -r -t 0.1 <> <(:) || true
done
[[ -n "$url" ]] || { echo "the portal did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

# Sign in as a browser would: the form's CSRF token, the login cookie, the code, the session cookie.
jar=$work/cookies
page=$(curl -s -c "$jar" -b "$jar" "$url/")
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
page=$(curl -s -L -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data "lang=en" \
  --data-urlencode "identifier=ann@example.org" "$url/login")
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
code=$("$SESAME" --db "$db" --json feed --portal demo ann@example.org | jq -r .code)
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data "lang=en" --data "code=$code" \
  "$url/verify"
cookie=$(awk '$6 == "sesame" {print $6 "=" $7}' "$jar" | head -1)
[[ -n "$cookie" ]] || { echo "no session cookie after sign-in" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url/dashboard")
[[ "$status" == 200 ]] || { echo "GET /dashboard with the session answered $status" >&2; exit 1; }

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "server: sesame-portal (release), one thread per core; wrk: $threads threads, $connections connections, $duration"
bad=0
for target in / /dashboard; do
  echo
  echo "== GET $target"
  headers=()
  [[ "$target" == /dashboard ]] && headers=(-H "Cookie: $cookie")
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "${headers[@]}" "$url$target")
  echo "$out"
  # Requests/s of error answers or broken sockets would be a figure of the wrong thing.
  if grep -qE 'Non-2xx or 3xx responses|Socket errors' <<<"$out"; then
    echo "GET $target: some answers were errors (above): these figures do not measure the page" >&2
    bad=1
  fi
done
exit "$bad"
