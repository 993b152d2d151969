#!/usr/bin/env bash
# `sesame import clients` and `sesame export clients`: good and bad rows (the bad ones named by
# line, column and reason, nothing of them written), a write that fails half-way undone, the
# exit codes, --dry-run, the CSV round trip and the formula-injection guard.
#
# Usage: import_export.sh PATH/TO/sesame
set -euo pipefail
SESAME=${1:?usage: import_export.sh PATH/TO/sesame}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

expect_ok init
expect_ok agency add --name "Import Court" --json
agency=$(field .agency.id)
expect_ok agency add --name "Round Trip Court" --json
other=$(field .agency.id)

names() { "$SESAME" --json client list --agency "$1" | jq -r '[.clients[] | .first_name + " " + .last_name] | join(",")'; }

# ---- good and bad rows --------------------------------------------------------------------------
# Line 1 header; 2 good; 3 good with RFC 4180 quoting; 4 no last name, short phone, no-@ email;
# 5 impossible date and a language name; 6-7 one quoted field spanning two lines (a line break in a
# name); 8 a stray quote; 9 too few fields; 10 an email in the phone column; 11 a row whose only
# problem is its phone number (the command leaves reading it to the engine, which names the column).
printf '%s\r\n' \
    'first_name,last_name,middle_name,dob,language,client_reference,phone,email' \
    'Carl,Jones,,1980-05-06,en,R-1,(555) 200-0001,carl@example.org' \
    '"Dana, Jr.","O""Neil",M,,es,"R-2",555.200.0002,' \
    'Eve,,,,en,R-3,12,eve-at-example.org' \
    'Finn,Smith,,1980-02-30,english,R-4,,finn@example.org' \
    '"Gil' \
    'Bert",Line,,,en,R-5,,gil@example.org' \
    'Hal,Quo"te,,,,,,' \
    'Ivy,Short,en' \
    'Jo,Park,,,,,jo@example.org,' \
    'Kit,Lane,,,,,555 01,kit@example.org' >"$work/clients.csv"

run import clients "$work/clients.csv" --agency "$agency" --dry-run --json
expect_eq "$(field '[.dry_run, .imported, .skipped] | map(tostring) | join(",")')" "true,2,7" "dry run counts"
expect_eq "$(names "$agency")" "" "clients after a dry run"

run import clients "$work/clients.csv" --agency "$agency" --dry-run
expect_eq "$rc" 1 "exit code of a dry run with bad rows"
[[ $out == *"dry run: would import 2, skipped 7"* ]] || fail "dry run summary"

run import clients "$work/clients.csv" --agency "$agency"
expect_eq "$rc" 1 "exit code of an import with skipped rows"
expected_report="line 4, column last_name: is empty: every client needs a last name
line 4, column phone: '12': the phone number is too short: enter the whole number with its area code
line 4, column email: 'eve-at-example.org' is not an email address: it needs an '@', e.g. name@example.org
line 5, column dob: '1980-02-30' is not a real date written YYYY-MM-DD
line 5, column language: 'english' is not a two-letter lower-case ISO 639-1 code such as en or es
line 6, column first_name: contains a control character (a line break or tab): remove it
line 8: a \" inside unquoted field 2: put the whole field in double quotes and double the quote (\"\")
line 9: has 3 fields but the header has 8: check the commas and quotes
line 10, column phone: 'jo@example.org' is an email address: put it in the email column
line 11, column phone: '555 01': the phone number is too short: enter the whole number with its area code
imported 2, skipped 7"
expect_eq "$out" "$expected_report" "the import report"
expect_eq "$(names "$agency")" 'Carl Jones,Dana, Jr. O"Neil' "clients after the import: only the good rows"
expect_ok client list --agency "$agency" --json
expect_eq "$(field '[.clients[] | .client_reference + "|" + .language + "|" + .dob + "|" + .middle_name + "|" + ([.contacts[].value] | join(" "))] | join(",")')" \
    "R-1|en|1980-05-06||+15552000001 carl@example.org,R-2|es||M|+15552000002" "imported fields and contacts"

run --json import clients "$work/clients.csv" --agency "$agency" --dry-run
expect_eq "$(field '[.problems[] | (.line | tostring) + ":" + (.column // "-")] | join(",")')" \
    "4:last_name,4:phone,4:email,5:dob,5:language,6:first_name,8:-,9:-,10:phone,11:phone" "JSON problems"

# ---- all good: exit 0 ---------------------------------------------------------------------------
printf 'last_name,first_name\nKim,Lee\n\n' >"$work/good.csv"
expect_ok import clients "$work/good.csv" --agency "$agency"
expect_eq "$out" "imported 1, skipped 0" "summary of a clean import (columns in any order, blank line skipped)"

# ---- the file as a whole ------------------------------------------------------------------------
printf 'first_name,last_name,shoe_size\nA,B,9\n' >"$work/unknown.csv"
expect_error 1 "the known columns are first_name,last_name,middle_name,dob,language,client_reference,phone,email" \
    import clients "$work/unknown.csv" --agency "$agency"
[[ $err == *"unknown column 'shoe_size'"* ]] || fail "the unknown column is not named"
printf 'first_name,email\nA,a@example.org\n' >"$work/nolast.csv"
expect_error 1 "no last_name column" import clients "$work/nolast.csv" --agency "$agency"
expect_error 1 "cannot read" import clients "$work/absent.csv" --agency "$agency"
: >"$work/empty.csv"
expect_error 1 "is empty" import clients "$work/empty.csv" --agency "$agency"
printf 'first_name,last_name\nA,B\n"C,D\n' >"$work/open.csv"
run import clients "$work/open.csv" --agency "$agency"
expect_eq "$rc" 1 "exit code with an unclosed quote"
[[ $out == *'line 3: a quoted field opened on line 3 is never closed'* ]] || fail "unclosed quote report"
expect_error 2 "missing --agency" import clients "$work/good.csv"
expect_error 1 SESAME_E_NOT_FOUND import clients "$work/good.csv" --agency 999
expect_eq "$(names "$agency")" 'Carl Jones,Dana, Jr. O"Neil,Lee Kim,A B' "clients after the file-level refusals"

# ---- a write that fails after the client was created is undone ----------------------------------
# A trigger in the database refuses one email, as a storage failure would.
sqlite3 "$SESAME_DB" "CREATE TRIGGER refuse_boom BEFORE INSERT ON contacts WHEN NEW.value = 'boom@example.org'
    BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END;"
printf 'first_name,last_name,phone,email\nBo,Om,555 400 0004,boom@example.org\nOk,Fine,,ok@example.org\n' >"$work/boom.csv"
run import clients "$work/boom.csv" --agency "$agency"
expect_eq "$rc" 1 "exit code when a write fails"
[[ $out == *"line 2: SESAME_E_STORAGE"*"refused by the test trigger (nothing of this row was kept)"* ]] ||
    fail "the failed write is not reported"
[[ $out == *"imported 1, skipped 1"* ]] || fail "summary after a failed write"
[[ $(names "$agency") != *"Bo Om"* ]] || fail "the half-written client was left behind"
expect_eq "$(sqlite3 "$SESAME_DB" "SELECT count(*) FROM contacts WHERE value = '+15554000004'")" 0 \
    "the half-written client's phone was left behind"
sqlite3 "$SESAME_DB" "DROP TRIGGER refuse_boom"
expect_ok audit --json --limit 50
# The refused row's transaction was rolled back: nothing of it was ever committed, so there is
# nothing to undo, and the audit log has its neighbour's client.create only.
expect_eq "$(field '[.events[] | select(.action == "client.delete")] | length')" 0 \
    "a rolled-back row needs no client.delete"

# ---- export, the formula guard, and the round trip -----------------------------------------------
expect_ok client add --agency "$agency" --first "=HYPERLINK(1)" --last "@SUM(A1)" --reference "-5" \
    --phone "555 700 0007"
expect_ok export clients --agency "$agency" --format csv
csv=$out
expected_csv=$(printf '%s\r\n' \
    'first_name,last_name,middle_name,dob,language,client_reference,phone,email' \
    "Carl,Jones,,1980-05-06,en,R-1,'+15552000001,carl@example.org" \
    "\"Dana, Jr.\",\"O\"\"Neil\",M,,es,R-2,'+15552000002," \
    'Lee,Kim,,,en,,,' \
    'A,B,,,en,,,' \
    "Ok,Fine,,,en,,,ok@example.org" \
    "'=HYPERLINK(1),'@SUM(A1),,,en,'-5,'+15557000007,")
expect_eq "$csv" "$expected_csv" "exported CSV (CRLF line ends)"

expect_ok export clients --agency "$agency" --format csv --output "$work/export.csv" --json
expect_eq "$(field .exported)" 6 "exported count"
expect_ok import clients "$work/export.csv" --agency "$other"
expect_eq "$out" "imported 6, skipped 0" "re-import of the export"
expect_ok export clients --agency "$other" --format csv --output "$work/again.csv"
cmp -s "$work/export.csv" "$work/again.csv" || fail "the CSV does not round-trip: $(diff "$work/export.csv" "$work/again.csv")"
expect_ok client list --agency "$other" --json
expect_eq "$(field '[.clients[] | select(.last_name == "@SUM(A1)") | .first_name, .client_reference, .contacts[0].value] | join("|")')" \
    "=HYPERLINK(1)|-5|+15557000007" "guarded cells read back without the quote"

expect_ok export clients --agency "$agency" --format json
expect_eq "$(field '.clients | length')" 6 "JSON export rows"
expect_eq "$(field '.clients[0] | keys_unsorted | join(",")')" \
    "client_reference,dob,email,first_name,language,last_name,middle_name,phone" "JSON export columns"
expect_eq "$(field '.clients[5].first_name')" "=HYPERLINK(1)" "JSON needs no formula guard"
expect_error 2 "csv or json" export clients --agency "$agency" --format xml
expect_error 1 "cannot write" export clients --agency "$agency" --format csv --output "$work/no/such/dir.csv"

echo "cli import/export: $step steps passed"
