#!/usr/bin/env bash
# `sesame init --demo` makes everything the shared contract lists (docs/cli.md), checked through
# the list and show commands in --json; a second run changes nothing; --blob-dir is honoured.
#
# Usage: demo.sh PATH/TO/sesame
set -euo pipefail
SESAME=${1:?usage: demo.sh PATH/TO/sesame}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

expect_ok init --demo --json
expect_eq "$(field .created)" true "first init --demo"
expect_eq "$(field .agency.name)" "Demo County Court" "agency name"
expect_eq "$(field .agency.time_zone)" America/Chicago "agency time zone"
expect_eq "$(field .agency.send_mode)" simulate "agency send mode"
agency=$(field .agency.id)

expect_ok agency show "$agency" --json
expect_eq "$(field '.phones | length')" 1 "agency phones"
expect_eq "$(field '.emails[0].address')" notices@demo-court.example "agency email"
expect_eq "$(field '.portals[0].slug')" demo "the agency's portal"

# ---- clients: Ann and Ben share one phone ------------------------------------------------------
expect_ok client list --json
expect_eq "$(field '.clients | length')" 2 "demo clients"
expect_eq "$(field '[.clients[] | .first_name + " " + .last_name + " " + .language] | join(",")')" \
    "Ann Example en,Ben Example es" "names and languages"
expect_eq "$(field '[.clients[] | .contacts[] | select(.kind == "phone") | .value] | join(",")')" \
    "+15551234567,+15551234567" "the shared phone"
expect_eq "$(field '[.clients[] | .contacts[] | select(.kind == "email") | .value] | join(",")')" \
    "ann@example.org,ben@example.org" "emails"
ann=$(field '.clients[] | select(.first_name == "Ann") | .id')
ben=$(field '.clients[] | select(.first_name == "Ben") | .id')

# ---- events, case, document ---------------------------------------------------------------------
in7=$(TZ=America/Chicago date -d '+7 days' +%F)
in3=$(TZ=America/Chicago date -d '+3 days' +%F)
expect_ok event list "$ann" --json
expect_eq "$(field '.events | length')" 1 "Ann's events"
expect_eq "$(field '.events[0] | [.type, .date, .time, .location] | join("|")')" \
    "Pretrial hearing|$in7|09:30|Courtroom 3B" "Ann's hearing"
expect_ok event list "$ben" --json
expect_eq "$(field '.events[0] | [.type, .date, .time] | join("|")')" \
    "Check-in appointment|$in3|14:00" "Ben's appointment"

expect_ok case list "$ann" --json
expect_eq "$(field '[.cases[].case_number] | join(",")')" 2026-CR-0142 "Ann's case"

expect_ok document list "$ann" --json
expect_eq "$(field '.documents | length')" 1 "Ann's documents"
expect_eq "$(field '.documents[0].name')" "Conditions of release" "document title"
expect_eq "$(field '.documents[0].file.content_type')" application/pdf "document file type"
sha=$(field '.documents[0].file.sha256')
size=$(field '.documents[0].file.size')
blobs=("$SESAME_DB.files"/*)
expect_eq "${#blobs[@]}" 1 "files in the default blob directory (the database path + .files)"
expect_eq "$(sha256sum <"${blobs[0]}" | cut -d' ' -f1)" "$sha" "the stored PDF's SHA-256"
expect_eq "$(stat -c %s "${blobs[0]}")" "$size" "the stored PDF's size"
expect_eq "$(head -c 5 "${blobs[0]}")" "%PDF-" "the stored file is a PDF"
expect_eq "$(tail -c 6 "${blobs[0]}")" "%%EOF" "the PDF ends with its trailer"

# ---- the portal: sidebar, gated resources, templates, policies -------------------------------------
expect_ok portal show demo --json
expect_eq "$(field '.portal.client_auth')" one-time-password "client authentication"
expect_eq "$(field '[.sidebar_items[] | .title + "|" + .link + "|" + .visibility] | join(",")')" \
    "Court information|/|public,Hearing calendar|/calendars/hearings|private,Check-in form|/forms/check-in|private" \
    "sidebar items"
expect_eq "$(field '[.gated_resources[] | .kind + "|" + .slug + "|" + .title + "|" + (.requires_login | tostring)] | join(",")')" \
    "calendar|hearings|Hearing calendar|true,form|check-in|Check-in form|true" "gated resources"
expect_eq "$(field '[.dashboard_templates[].language] | join(",")')" "en,es" "dashboard languages"
en=$(field '.dashboard_templates[] | select(.language == "en") | .text')
es=$(field '.dashboard_templates[] | select(.language == "es") | .text')
[[ $en == *"Today is [DateToday]"* && $en == *"[%Your next date:% EventDate]"* ]] || fail "the English dashboard: $en"
[[ $es == *"Hoy es [DateToday]"* && $es == *"[%Su próxima cita:% EventDate]"* ]] || fail "the Spanish dashboard: $es"
[[ $en != *"[UpcomingEvents]"* && $en != *"[AssignedDocuments]"* ]] || fail "the portal lists dates and documents itself: $en"
expect_eq "$(field '.profile_policy | [.first_name, .middle_name, .last_name, .dob, .language, .phone, .email] | join(",")')" \
    "read_only,editable,read_only,read_only,editable,read_only,read_only" "profile policy"
expect_eq "$(field '.upload_policy | [.allow_photos, .allow_documents, .max_bytes] | map(tostring) | join(",")')" \
    "true,true,5242880" "upload policy"

# ---- titles per language: staff give a sidebar item and a gated resource a Spanish title ----------
item=$(field '.sidebar_items[] | select(.link == "/calendars/hearings") | .id')
form=$(field '.gated_resources[] | select(.slug == "check-in") | .id')
expect_ok sidebar title "$item" es "Calendario de audiencias" --json
expect_eq "$(field '.titles.es')" "Calendario de audiencias" "sidebar title es"
expect_eq "$(field '.title')" "Hearing calendar" "the default title stays"
expect_ok gated title "$form" es "Formulario de registro"
[[ $out == *"Set the es title of gated resource $form"* ]] || fail "gated title text: $out"
expect_error 1 SESAME_E_INVALID_ARGUMENT sidebar title "$item" ES "Calendario"
expect_error 1 "titles.fr: 1 to 200 bytes" sidebar title "$item" fr "$(printf 'x%.0s' {1..201})"
expect_error 1 SESAME_E_NOT_FOUND gated title 999 es "Nada"
expect_error 2 "missing TITLE" sidebar title "$item" es
expect_ok portal show demo --json
expect_eq "$(field '.sidebar_items[] | select(.id == '"$item"') | .titles | to_entries | map(.key + "=" + .value) | join(",")')" \
    "es=Calendario de audiencias" "portal show: the item's titles"
expect_eq "$(field '.gated_resources[] | select(.id == '"$form"') | .titles.es')" "Formulario de registro" \
    "portal show: the resource's titles"
expect_ok portal show demo
[[ $out == *"      es: Calendario de audiencias"* ]] || fail "portal show text lacks the Spanish title: $out"
expect_ok sidebar title "$item" es "" --json
expect_eq "$(field '.titles | length')" 0 "an empty title removes it"
expect_ok gated title "$form" es ""
[[ $out == *"Removed the es title"* ]] || fail "gated title removal text: $out"

# ---- the text output prints the demo contacts ---------------------------------------------------
before_clients=$("$SESAME" --json client list)
before_portal=$("$SESAME" --json portal show demo)
expect_ok init --demo
[[ $out == *"exists already"* && $out == *"Nothing was changed"* ]] || fail "second init does not say the demo exists"
expect_eq "$("$SESAME" --json client list)" "$before_clients" "clients after a second init --demo"
expect_eq "$("$SESAME" --json portal show demo)" "$before_portal" "portal after a second init --demo"
blobs=("$SESAME_DB.files"/*)
expect_eq "${#blobs[@]}" 1 "files after a second init --demo"

expect_ok --db "$work/second.db" --blob-dir "$work/blobs" init --demo
[[ $out == *"ann@example.org"* && $out == *"ben@example.org"* && $out == *"+15551234567"* ]] ||
    fail "init --demo does not print the demo contacts"
# The next command it prints runs as printed: this very program (not a `sesame` off the PATH) and
# the database just made.
next=$(grep '^Next: ' <<<"$out")
next=${next#Next: }
[[ $next == *" --db $work/second.db login start --portal demo "* ]] || fail "the next command: $next"
program=${next%% --db *}
[[ $(cd "$PWD" && realpath "$program") == $(realpath "$SESAME") ]] || fail "the next command's program: $program"
expect_eq "$(PATH=/usr/bin:/bin; eval "$program" --db "$work/second.db" --blob-dir "$work/blobs" --json portal show demo | python3 -c 'import json,sys; print(json.load(sys.stdin)["portal"]["slug"])')" \
    demo "the printed program runs"
blobs=("$work/blobs"/*)
expect_eq "${#blobs[@]}" 1 "files in --blob-dir"
[[ ! -e $work/second.db.files ]] || fail "with --blob-dir the default directory was made anyway"
expect_ok --db "$work/second.db" --blob-dir "$work/blobs" document list "$ann" --json
expect_eq "$(field '.documents[0].file.sha256')" "$sha" "the same PDF through --blob-dir"

echo "cli demo: $step steps passed"
