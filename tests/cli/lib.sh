# Shared helpers of the `sesame` command's bash tests. Source it after setting SESAME; it makes a
# scratch directory $work (removed on exit) and points SESAME_DB into it.
#
#   run ARGS...            runs sesame: stdout in $out, stderr in $err, exit code in $rc
#   expect_ok ARGS...      runs it and fails unless it exits 0
#   expect_error RC TEXT ARGS...  runs it and fails unless it exits RC with TEXT on stderr
#   field JQ_FILTER        a field of the JSON in $out
#   expect_eq GOT WANT WHAT
#   fail MESSAGE           prints the step, the message and the last output, and exits 1
command -v jq >/dev/null || { echo "FAIL: jq is needed to read the JSON output" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SESAME_DB="$work/test.db"
unset SESAME_KEY_FILE SESAME_BLOB_DIR

step=0
fail() {
    echo "FAIL (step $step): $*" >&2
    echo "--- stdout:" >&2; printf '%s\n' "${out-}" >&2
    echo "--- stderr:" >&2; printf '%s\n' "${err-}" >&2
    exit 1
}

run() {
    step=$((step + 1))
    set +e
    out=$("$SESAME" "$@" 2>"$work/stderr")
    rc=$?
    set -e
    err=$(<"$work/stderr")
}

expect_ok() {
    run "$@"
    [[ $rc -eq 0 ]] || fail "sesame $* exited $rc, expected 0"
}

expect_error() {
    local want_rc=$1 want_text=$2
    shift 2
    run "$@"
    [[ $rc -eq $want_rc ]] || fail "sesame $* exited $rc, expected $want_rc"
    [[ $err == *"$want_text"* ]] || fail "sesame $*: stderr lacks '$want_text'"
}

field() { jq -r "$1" <<<"$out"; }

expect_eq() {
    [[ $1 == "$2" ]] || fail "$3: got '$1', expected '$2'"
}
