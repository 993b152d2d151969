#!/usr/bin/env bash
# The seed's "Log In as a Test Client" steps through the `sesame` command, in a fresh database:
# init the demo, start a login, read the simulated code from the feed, verify it, check the
# session, log out; then the failures a tester meets (unknown contact, login turned off, ...).
#
# Usage: walkthrough.sh PATH/TO/sesame
set -euo pipefail

SESAME=${1:?usage: walkthrough.sh PATH/TO/sesame}
command -v jq >/dev/null || { echo "FAIL: jq is needed to read the JSON output" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SESAME_DB="$work/walk.db"
unset SESAME_KEY_FILE

step=0
fail() {
    echo "FAIL (step $step): $*" >&2
    echo "--- stdout:" >&2; printf '%s\n' "${out-}" >&2
    echo "--- stderr:" >&2; printf '%s\n' "${err-}" >&2
    exit 1
}

# run ARGS...: runs sesame, keeping stdout in $out, stderr in $err and the exit code in $rc.
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

# expect_error RC NAME ARGS...: the command must exit RC with NAME on stderr.
expect_error() {
    local want_rc=$1 want_name=$2
    shift 2
    run "$@"
    [[ $rc -eq $want_rc ]] || fail "sesame $* exited $rc, expected $want_rc"
    [[ $err == *"$want_name"* ]] || fail "sesame $*: stderr lacks $want_name"
}

# field JQ_FILTER: a field of the JSON in $out ("null" when absent).
field() { jq -r "$1" <<<"$out"; }

expect_eq() {
    [[ $1 == "$2" ]] || fail "$3: got '$1', expected '$2'"
}

# ---- before any database ----------------------------------------------------------------------
expect_ok --version
[[ $out == sesame\ * ]] || fail "--version does not start with 'sesame '"
expect_error 1 SESAME_E_NOT_FOUND client list
[[ $err == *"sesame init"* ]] || fail "a missing database does not point to sesame init"
[[ ! -e $SESAME_DB ]] || fail "a command other than init created the database"

# ---- init --demo, twice ----------------------------------------------------------------------
expect_ok init --demo --json
expect_eq "$(field .created)" true "first init --demo"
expect_eq "$(field .portal.slug)" demo "demo portal slug"
expect_eq "$(field .portal.client_auth)" one-time-password "demo portal client auth"
expect_eq "$(field .agency.send_mode)" simulate "demo agency send mode"
expect_eq "$(field '.contacts[0].value')" +15551234567 "Ann's phone, normalised"
expect_eq "$(field '.contacts[1].value')" ann@example.org "Ann's email"
[[ -s $SESAME_DB.key ]] || fail "init made no key file next to the database"
expect_eq "$(stat -c %a "$SESAME_DB.key")" 600 "key file mode"

expect_ok init --demo
[[ $out == *"exists"* ]] || fail "second init --demo does not say the demo exists"
expect_ok --json init --demo
expect_eq "$(field .created)" false "second init --demo"

expect_ok client list --json
expect_eq "$(field '.clients | length')" 2 "clients after two init --demo (Ann and Ben)"
email_contact=$(field '.clients[] | select(.first_name == "Ann") | .contacts[] | select(.kind == "email") | .id')
[[ $email_contact =~ ^[0-9]+$ ]] || fail "no email contact id in client list"

# ---- log in as the test client ----------------------------------------------------------------
expect_ok login start --portal demo "555.123.4567" --json
challenge=$(field .challenge_id)
[[ -n $challenge && $challenge != null ]] || fail "login start returned no challenge id"
expect_eq "$(field .channel)" sms "login start channel"
[[ $(field .masked_destination) == *4567 ]] || fail "masked destination does not end with the last four digits"
[[ $(field .masked_destination) != *555* ]] || fail "masked destination shows the area code"
[[ $(field .expires_at) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] ||
    fail "expires_at is not ISO 8601 UTC"
[[ $(field .resend_after) =~ Z$ ]] || fail "resend_after is not ISO 8601 UTC"

# A second code inside the resend cooldown is refused.
expect_error 1 SESAME_E_RATE_LIMITED login start --portal demo "(555) 123-4567"

# The staff feed holds the simulated message with the code, as the seed's tip describes.
expect_ok feed --portal demo "555.123.4567" --json
code=$(field .code)
[[ $code =~ ^[0-9]{6}$ ]] || fail "feed --json gave no six-digit code: '$code'"
expect_eq "$(field '.messages[0].status')" simulated "newest message status"
expect_eq "$(field '.messages[0].channel')" sms "newest message channel"
[[ $(field '.messages[0].content') == *"$code"* ]] || fail "the simulated message does not contain the code"
expect_eq "$(field '.messages | length')" 1 "messages in the feed (the refused start sent nothing)"

expect_ok feed --portal demo "555.123.4567"
[[ $out == *"simulated"* && $out == *"$code"* ]] || fail "the text feed does not show the simulated code"

# A wrong code fails with the one generic answer.
wrong=$(printf '%06d' $(((10#$code + 1) % 1000000)))
expect_error 1 SESAME_E_VERIFY_FAILED login verify --portal demo --challenge "$challenge" --code "$wrong"

expect_ok login verify --portal demo --challenge "$challenge" --code "$code" --json
token=$(field .token)
[[ ${#token} -eq 43 ]] || fail "token is not 43 characters"
# Ann and Ben share the demo phone: the person chooses which client to act for.
expect_eq "$(field .client_id)" null "client bound when Ann and Ben share the phone"
expect_eq "$(field '[.clients[].display_name] | sort | join(",")')" "Ann E.,Ben E." "clients sharing the demo phone"
client_id=$(field '.clients[] | select(.display_name == "Ann E.") | .client_id')
[[ $client_id =~ ^[0-9]+$ ]] || fail "verify listed no client id for Ann"
expect_eq "$(field .assurance)" aal1 "assurance"
[[ $err == *secret* ]] || fail "verify --json gave no secrecy warning on stderr"
[[ $(field .session_id) != "$token" ]] || fail "the session id is the token"

# The code works once.
expect_error 1 SESAME_E_VERIFY_FAILED login verify --portal demo --challenge "$challenge" --code "$code"

expect_ok session select --portal demo --token "$token" --client "$client_id" --json
expect_eq "$(field .client_id)" "$client_id" "client after choosing Ann"

expect_ok session check --portal demo --token "$token" --json
expect_eq "$(field .client_id)" "$client_id" "session check client"
[[ $(field .expires_at) =~ Z$ ]] || fail "session check gave no expiry"

expect_ok logout --portal demo --token "$token"
expect_error 1 SESAME_E_SESSION_INVALID session check --portal demo --token "$token"
expect_error 1 SESAME_E_SESSION_INVALID logout --portal demo --token "$token"

# ---- what a tester runs into ------------------------------------------------------------------
expect_error 1 SESAME_E_CONTACT_NOT_FOUND login start --portal demo nobody@example.org
expect_error 1 SESAME_E_CONTACT_NOT_FOUND feed --portal demo "555 000 1234"
expect_error 1 SESAME_E_NOT_FOUND login start --portal no-such-portal ann@example.org

# An opted-out contact cannot log in.
expect_ok contact set-status "$email_contact" opted_out --json
expect_eq "$(field .contact.status)" opted_out "contact status after set-status"
expect_error 1 SESAME_E_CONTACT_INELIGIBLE login start --portal demo ann@example.org
expect_ok contact set-status "$email_contact" valid

# ---- one email, two clients: the person chooses -------------------------------------------------
expect_ok client add --first Cy --last Example --email "Ann@Example.org" --json
ben=$(field .client.id)
[[ $ben =~ ^[0-9]+$ && $ben != "$client_id" ]] || fail "client add gave no new client id"
expect_eq "$(field '.contacts[0].value')" ann@example.org "Cy's email, normalised"

expect_ok login start --portal demo ann@example.org --json
expect_eq "$(field .channel)" email "login start by email"
challenge=$(field .challenge_id)
expect_ok feed --portal demo ANN@example.org --json
expect_eq "$(field '.client_ids | length')" 2 "clients in the feed of a shared email"
expect_eq "$(field '.messages[0].channel')" email "newest message channel"
code=$(field .code)
[[ $code =~ ^[0-9]{6}$ ]] || fail "feed --json gave no code for the email login"
expect_ok login verify --portal demo --challenge "$challenge" --code "$code" --json
token=$(field .token)
expect_eq "$(field .client_id)" null "client bound when two share the email"
expect_eq "$(field '[.clients[].client_id] | sort | map(tostring) | join(",")')" \
    "$(printf '%s\n' "$client_id" "$ben" | sort -n | paste -sd,)" "the clients to choose from"
expect_error 1 SESAME_E_SELECTION_REQUIRED session check --portal demo --token "$token"
expect_error 1 SESAME_E_NOT_FOUND session select --portal demo --token "$token" --client 999999
expect_ok session select --portal demo --token "$token" --client "$ben" --json
expect_eq "$(field .client_id)" "$ben" "client after select"
expect_error 1 SESAME_E_FAILED_PRECONDITION session select --portal demo --token "$token" --client "$client_id"
expect_ok session check --portal demo --token "$token" --json
expect_eq "$(field .client_id)" "$ben" "session check client after select"

# ---- with Client Authentication disabled there is no login, and no session -----------------------
expect_ok portal set-auth demo disabled --json
expect_eq "$(field .portal.client_auth)" disabled "client auth after set-auth"
expect_error 1 SESAME_E_AUTH_DISABLED login start --portal demo "555.123.4567"
expect_ok portal set-auth demo one-time-password
expect_error 1 SESAME_E_SESSION_INVALID session check --portal demo --token "$token"

# JSON errors: one object on stdout as well.
run --json login start --portal demo nobody@example.org
expect_eq "$rc" 1 "exit code of a JSON-mode failure"
expect_eq "$(field .error)" SESAME_E_CONTACT_NOT_FOUND "JSON error name"

expect_ok sweep --json
[[ $(field .challenges) =~ ^[0-9]+$ ]] || fail "sweep gave no challenge count"

expect_ok audit --json --limit 200
[[ $(field '[.events[] | select(.action == "login.verify" and .reason == "wrong_code")] | length') -eq 1 ]] ||
    fail "the audit log does not hold exactly one wrong_code verify"

# ---- usage errors: exit 2 with a hint -----------------------------------------------------------
expect_error 2 "usage:" login start demo "555.123.4567"
expect_error 2 "unknown command" frobnicate
expect_error 2 "unknown option" feed --portal demo --colour red ann@example.org
expect_error 2 "sesame login" login
expect_error 2 "one-time-password" portal set-auth demo sometimes
expect_error 2 "--phone or --email" client add --first Di --last Example
expect_ok login start --help
[[ $out == *"Usage: sesame login start"* ]] || fail "login start --help shows no usage"
expect_ok --help
[[ $out == *"session check"* ]] || fail "--help does not list the commands"
[[ -z $err ]] || fail "--help wrote to stderr"

echo "cli walkthrough: $step steps passed"
