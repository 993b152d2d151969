#!/usr/bin/env bash
# The management commands: agency, portal, client, contact, event, case and document, each in text
# and --json, with the errors a person meets.
#
# Usage: manage.sh PATH/TO/sesame
set -euo pipefail
SESAME=${1:?usage: manage.sh PATH/TO/sesame}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

expect_ok init

# ---- agency -------------------------------------------------------------------------------------
expect_ok agency list
[[ $out == *"No agencies yet"* ]] || fail "an empty agency list does not say how to add one"
expect_ok agency add --name "North Probation" --time-zone America/Denver --json
agency=$(field .agency.id)
expect_eq "$(field .agency.send_mode)" simulate "a new agency's send mode"
expect_eq "$(field .agency.environment)" staging "a new agency's environment"
expect_error 2 "staging or production" agency add --name X --environment test
expect_ok agency set-send-mode "$agency" live --json
expect_eq "$(field .agency.send_mode)" live "send mode after set-send-mode"
expect_ok agency set-send-mode "$agency" simulate
[[ $out == *"simulate mode"* ]] || fail "set-send-mode text: $out"
expect_error 2 "simulate or live" agency set-send-mode "$agency" loud
expect_ok agency add-phone "$agency" "(555) 555-0150" --registration complete --json
expect_eq "$(field .phone.number)" +15555550150 "agency phone, normalised"
expect_eq "$(field .phone.registration)" complete "agency phone registration"
expect_ok agency add-email "$agency" Notices@North.example --display-name "North Probation" --json
expect_eq "$(field .email.address)" notices@north.example "agency email, lower-cased"
expect_ok agency show "$agency" --json
expect_eq "$(field '.agency.time_zone')" America/Denver "agency time zone"
expect_eq "$(field '[.phones[].number, .emails[].address] | join(",")')" "+15555550150,notices@north.example" \
    "agency show: phone and email"
expect_error 1 SESAME_E_NOT_FOUND agency show 999
expect_error 2 "whole number" agency show abc
expect_ok agency list --json
expect_eq "$(field '[.agencies[].name] | join(",")')" "North Probation" "agency list"

# ---- portal -------------------------------------------------------------------------------------
expect_ok portal add --agency "$agency" --name "North Portal" --slug north --host north.example --json
expect_eq "$(field .portal.client_auth)" one-time-password "a new portal's client auth"
expect_error 1 SESAME_E_ALREADY_EXISTS portal add --agency "$agency" --name Again --slug north
expect_error 1 SESAME_E_INVALID_ARGUMENT portal add --agency "$agency" --name Bad --slug "Not A Slug"
expect_ok portal list --json
expect_eq "$(field '[.portals[].slug] | join(",")')" north "portal list"
expect_ok portal show north --json
expect_eq "$(field '.portal.settings.host')" north.example "portal host"
expect_eq "$(field '.sidebar_items | length')" 0 "a new portal's sidebar"
expect_eq "$(field '.upload_policy.allow_photos')" false "a new portal's uploads"
expect_ok portal set-auth north disabled --json
expect_eq "$(field .portal.client_auth)" disabled "client auth after set-auth"
expect_error 1 SESAME_E_NOT_FOUND portal show nowhere

# ---- client -------------------------------------------------------------------------------------
expect_ok client add --agency "$agency" --first Rosa --last Diaz --phone "555 600 0001" --language es --json
rosa=$(field .client.id)
expect_ok client update "$rosa" --middle Luz --dob 1985-04-12 --reference N-77 --json
expect_eq "$(field '.client | [.first_name, .middle_name, .last_name, .dob, .client_reference, .language] | join("|")')" \
    "Rosa|Luz|Diaz|1985-04-12|N-77|es" "client after update"
expect_error 1 "dob" client update "$rosa" --dob 1985-02-30
expect_error 2 "nothing to change" client update "$rosa"
expect_error 2 "yes or no" client update "$rosa" --archived maybe
expect_ok client show "$rosa" --json
expect_eq "$(field '.client.dob')" 1985-04-12 "dob kept after a refused update"
expect_eq "$(field '.contacts[0].value')" +15556000001 "client show: phone"
expect_ok client show "$rosa"
[[ $out == *"Rosa Diaz"* && $out == *"date of birth: 1985-04-12"* ]] || fail "client show text"

# ---- contact ------------------------------------------------------------------------------------
expect_ok contact add "$rosa" Rosa@Example.org --json
email_id=$(field .contact.id)
expect_eq "$(field .contact.kind)" email "a value with @ is an email"
expect_eq "$(field .contact.value)" rosa@example.org "email, lower-cased"
expect_error 1 SESAME_E_ALREADY_EXISTS contact add "$rosa" rosa@example.org
expect_error 1 SESAME_E_INVALID_ARGUMENT contact add "$rosa" "12"
expect_ok contact list "$rosa" --json
expect_eq "$(field '[.contacts[].value] | join(",")')" "+15556000001,rosa@example.org" "contact list"
expect_ok contact remove "$email_id" --json
expect_eq "$(field .removed.value)" rosa@example.org "removed contact"
expect_ok contact list "$rosa" --json
expect_eq "$(field '[.contacts[].value] | join(",")')" "+15556000001" "contact list after remove"
expect_error 1 SESAME_E_NOT_FOUND contact remove "$email_id"
expect_ok audit --json --limit 50
expect_eq "$(field "[.events[] | select(.action == \"contact.remove\" and .target == \"contact:$email_id\")] | length")" 1 \
    "contact.remove in the audit log"

# A client with nothing but contacts can be deleted, contacts and all.
expect_ok client add --agency "$agency" --first Tem --last Porary --email tem@example.org --phone "555 600 0009" --json
tem=$(field .client.id)
expect_ok client delete "$tem" --json
expect_eq "$(field .deleted.id)" "$tem" "deleted client"
expect_eq "$(field .contacts_deleted)" 2 "contacts deleted with the client"
expect_error 1 SESAME_E_NOT_FOUND client show "$tem"
expect_error 1 SESAME_E_NOT_FOUND client delete "$tem"
expect_ok client add --agency "$agency" --first Una --last Named --email una@example.org --json
una=$(field .client.id)
expect_ok contact remove "$(field '.contacts[0].id')"
expect_ok client delete "$una"
[[ $out == "Deleted client "*" (Una Named) and 0 contacts." ]] || fail "client delete text: $out"
expect_ok audit --json --limit 50
expect_eq "$(field "[.events[] | select(.action == \"client.delete\" and .target == \"client:$tem\")] | length")" 1 \
    "client.delete in the audit log"

# ---- event, case, document ------------------------------------------------------------------------
expect_ok case add --client "$rosa" --number 2026-PR-0007 --type Probation --json
case_id=$(field .case.id)
expect_eq "$(field .case.status)" open "a new case's status"
expect_ok case list "$rosa" --json
expect_eq "$(field '[.cases[].case_number] | join(",")')" 2026-PR-0007 "case list"

expect_ok event add --client "$rosa" --date 2030-01-15 --time 10:00 --type "Status hearing" --location "Room 2" \
    --case "$case_id" --json
event_id=$(field .event.id)
expect_eq "$(field .event.case_id)" "$case_id" "event's case"
expect_error 1 "event.date" event add --client "$rosa" --date 2030-13-01
expect_error 2 "missing --date" event add --client "$rosa"
expect_ok event add --client "$rosa" --date 2030-01-10 --type "Check-in" --json
early=$(field .event.id)
expect_ok event list "$rosa" --json
expect_eq "$(field '[.events[].id] | map(tostring) | join(",")')" "$early,$event_id" "events by date"

pdf="$work/notice.pdf"
printf '%%PDF-1.4\n%% a test file\n%%%%EOF\n' >"$pdf"
expect_ok document add --client "$rosa" --name "Probation terms" --event "$event_id" --file "$pdf" --json
doc_id=$(field .document.id)
expect_eq "$(field .document.file.content_type)" application/pdf "attached file type"
expect_eq "$(field .document.file.size)" "$(stat -c %s "$pdf")" "attached file size"
printf 'plain text' >"$work/notes.txt"
expect_error 1 "not a PDF" document add --client "$rosa" --name "Notes" --file "$work/notes.txt"
expect_error 1 "cannot read" document add --client "$rosa" --name "Missing" --file "$work/missing.pdf"
expect_ok document list "$rosa" --json
expect_eq "$(field '[.documents[].name] | join(",")')" "Probation terms" "documents: refused ones left no record"

# An event a document links to cannot go; once it is free it can.
expect_error 1 "document $doc_id" event delete "$event_id"
expect_ok event delete "$early" --json
expect_eq "$(field .deleted.id)" "$early" "deleted event"
expect_ok event list "$rosa" --json
expect_eq "$(field '[.events[].id] | map(tostring) | join(",")')" "$event_id" "events after delete"
expect_error 1 SESAME_E_NOT_FOUND event delete "$early"
expect_ok audit --json --limit 50
expect_eq "$(field "[.events[] | select(.action == \"event.delete\" and .target == \"event:$early\")] | length")" 1 \
    "event.delete in the audit log"

# A client with content is refused, told what is attached and to archive it instead.
expect_error 1 SESAME_E_FAILED_PRECONDITION client delete "$rosa"
[[ $err == *"1 event, 1 case, 1 document"*"archive it instead"* ]] || fail "client delete refusal: $err"
expect_ok client show "$rosa" --json
expect_eq "$(field '.client.id')" "$rosa" "a refused client delete keeps the client"

# ---- check: reads every page, changes nothing ----------------------------------------------------
expect_ok check --json
expect_eq "$(field .ok)" true "check of a sound database"
expect_ok check
[[ $out == *"no damage found"* ]] || fail "check text: $out"
printf 'not a database\n' >"$work/garbage.db"
expect_error 1 SESAME_E_CORRUPT --db "$work/garbage.db" check
[[ $err == *"backup"* ]] || fail "check of a damaged file does not say to restore a backup: $err"
expect_eq "$(cat "$work/garbage.db")" "not a database" "check left the damaged file as it was"
expect_error 1 SESAME_E_STORAGE --db "$work/absent.db" check
[[ ! -e "$work/absent.db" ]] || fail "check created a database"

# ---- help ---------------------------------------------------------------------------------------
for cmd in "check" "agency list" "agency add" "agency show" "agency set-send-mode" "agency add-phone" "agency add-email" \
    "portal list" "portal add" "portal show" "client show" "client update" "client delete" "contact add" "contact list" \
    "contact remove" "event add" "event list" "event delete" "case add" "case list" "document add" "document list" \
    "import clients" "export clients"; do
    # shellcheck disable=SC2086
    expect_ok $cmd --help
    [[ $out == "Usage: sesame $cmd"* ]] || fail "sesame $cmd --help shows no usage line"
done

echo "cli manage: $step steps passed"
