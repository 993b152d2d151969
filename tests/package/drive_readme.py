"""Runs the README's C++ program the way its reader would: a fresh demo database made by
`sesame init --demo`, the program started in the folder that holds demo-data/, the simulated code
read from the client's feed with the `sesame` command and typed at the program's "Code: " prompt.

    drive_readme.py <program> <sesame command> <scratch folder>

Exits non-zero, saying why, unless the program logs the client in and out and exits 0."""
import json
import os
import subprocess
import sys

program, cli, folder = sys.argv[1:4]
os.makedirs(folder, exist_ok=True)
db = os.path.join(folder, "demo-data", "sesame.db")
os.makedirs(os.path.dirname(db), exist_ok=True)
subprocess.run([cli, "--db", db, "init", "--demo"], check=True, stdout=subprocess.DEVNULL)

child = subprocess.Popen([program], cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
seen = b""
while not seen.endswith(b"Code: "):
    byte = child.stdout.read(1)
    if not byte:
        child.wait(timeout=60)
        sys.exit(f"{program} ended before asking for the code: {seen.decode()!r} "
                 f"{child.stderr.read().decode()!r}")
    seen += byte

feed = subprocess.run([cli, "--db", db, "--json", "feed", "--portal", "demo", "ann@example.org"],
                      check=True, capture_output=True, text=True)
code = json.loads(feed.stdout).get("code")
if not code:
    child.kill()
    sys.exit(f"the feed holds no simulated code: {feed.stdout}")

rest, errors = child.communicate(code.encode() + b"\n", timeout=60)
out = (seen + rest).decode()
print(out.replace("\n", "\n    "))
if child.returncode != 0:
    sys.exit(f"{program} exited with status {child.returncode}: {errors.decode()}")
if "Code sent to " not in out or "Logged in as client " not in out:
    sys.exit(f"{program} did not log the demo client in: {out!r}")
