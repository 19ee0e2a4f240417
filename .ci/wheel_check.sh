#!/usr/bin/env bash
# The wheel works on its own: build it from this working tree, install it with its declared
# dependencies (held to requirements.txt's pins, which keep torch at the CPU wheel) in a fresh
# virtualenv, then use the `factcheck` command from an EMPTY folder: version, demo (the database
# must appear as ./factcheck.db there), ingest a seed article, list claims as JSON, and start the
# app until it answers HTTP 200. Nothing here reads the checkout once the wheel is installed.
#
#   bash .ci/wheel_check.sh        (or: make wheel-check)
#
# PYTHON picks the interpreter for the new virtualenv (default python3); KEEP=1 keeps the
# temporary folder. Prints "wheel-check: N passed, M failed" last; exits non-zero on a failure.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
SEED="$(cd "$REPO/.." && pwd)/shared/seeds/000_9f6c08b4849e9d93.txt"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/factcheck-wheel.XXXXXX")"
APP_PID=""
export HF_HUB_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
unset FACTCHECK_DB PYTHONPATH VIRTUAL_ENV || true

cleanup() {
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1" >&2; }
finish() {
    echo "wheel-check: $passed passed, $failed failed"
    if [ "$failed" -ne 0 ]; then exit 1; fi
    exit 0
}

echo "== build the wheel from $REPO"
"$PYTHON" -m venv "$WORK/venv"
VENV="$WORK/venv"
"$VENV/bin/python" -m pip wheel -q --no-deps -w "$WORK/dist" "$REPO"
WHEEL="$(ls "$WORK"/dist/factcheck-*.whl)"
echo "built $(basename "$WHEEL")"
listing="$("$VENV/bin/python" -m zipfile -l "$WHEEL")"
missing=""
for entry in factcheck/_resources/migrations/0001_core.sql factcheck/_resources/prompts/ \
    factcheck/_resources/examples/demo_article.md factcheck/_app/app.py \
    factcheck/_app/app_pages/common.py factcheck/data/checkworthiness.npz factcheck/py.typed; do
    grep -q "$entry" <<<"$listing" || missing="$missing $entry"
done
if [ -z "$missing" ]; then pass "the wheel holds migrations, prompts, demo, app, data"; else
    fail "the wheel lacks:$missing"; fi

echo "== install it with its declared dependencies (pinned by requirements.txt)"
"$VENV/bin/python" -m pip install -q "$WHEEL" -c "$REPO/requirements.txt"
FACTCHECK="$VENV/bin/factcheck"

RUN="$WORK/empty"
mkdir "$RUN"
cd "$RUN"
echo "== in an empty folder: $RUN"

want="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/pyproject.toml" | head -1)"
if out="$("$FACTCHECK" --version)" && grep -qF "$want" <<<"$out"; then
    pass "factcheck --version: $out"
else
    fail "factcheck --version printed '${out:-}', expected version $want"
fi

if out="$("$FACTCHECK" articles --db "$RUN/fresh.db" --format json)" \
    && [ "$("$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin))' <<<"$out")" = "[]" ]; then
    pass "factcheck articles on a new database (migrations applied)"
else
    fail "factcheck articles on a new database: ${out:-}"
fi
rm -f "$RUN"/fresh.db*

if out="$("$FACTCHECK" demo 2>"$WORK/demo.err")"; then
    pass "factcheck $(tail -1 <<<"$out")"
else
    fail "factcheck demo: $out $(cat "$WORK/demo.err")"
fi
site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
strays="$(find "$site" -name 'factcheck.db*' 2>/dev/null | head -3)"
if [ -f "$RUN/factcheck.db" ] && [ -z "$strays" ]; then
    pass "the default database is ./factcheck.db in the working folder"
else
    fail "the default database is not ./factcheck.db here (found: ${strays:-nothing})"
fi

if [ -f "$SEED" ]; then
    if out="$("$FACTCHECK" ingest "$SEED" 2>"$WORK/ingest.err")"; then
        pass "factcheck ingest $(basename "$SEED"): $(tail -1 <<<"$out")"
    else
        fail "factcheck ingest $SEED: $out $(cat "$WORK/ingest.err")"
    fi
else
    echo "skip factcheck ingest: no seed article at $SEED"
fi

if out="$("$FACTCHECK" claims --format json)" && count="$("$VENV/bin/python" -c '
import json, sys
rows = json.load(sys.stdin)
assert isinstance(rows, list) and rows, "no claims"
print(len(rows))' <<<"$out")"; then
    pass "factcheck claims --format json: $count claims"
else
    fail "factcheck claims --format json did not give a non-empty JSON list"
fi

if out="$(printf 'a long enough password\n' | "$FACTCHECK" users add Ada --role admin --password-stdin 2>&1)" \
    && "$FACTCHECK" users list --format json | grep -q '"Ada"'; then
    pass "factcheck users add / list: $(tail -1 <<<"$out")"
else
    fail "factcheck users add: $out"
fi

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$FACTCHECK" app --port "$PORT" --server.headless true --server.address 127.0.0.1 \
    >"$WORK/app.log" 2>&1 &
APP_PID=$!
up=""
for _ in $(seq 1 60); do
    if ! kill -0 "$APP_PID" 2>/dev/null; then break; fi
    page="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)"
    health="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/_stcore/health" || true)"
    if [ "$page" = 200 ] && [ "$health" = 200 ]; then up=1; break; fi
    sleep 1
done
if [ -n "$up" ]; then
    pass "factcheck app answers HTTP 200 on port $PORT (/ and /_stcore/health)"
else
    fail "factcheck app did not answer HTTP 200 within 60 s; its log:"
    sed 's/^/    /' "$WORK/app.log" >&2
fi
kill "$APP_PID" 2>/dev/null || true
wait "$APP_PID" 2>/dev/null || true
APP_PID=""

# The app's script run (imports, `from app_pages import common`, the first page) from the
# installed package, as Streamlit runs it for a browser session (sign-in off, so the page
# itself runs: the sign-in flow is tested in tests/browser).
if out="$(FACTCHECK_AUTH=none "$VENV/bin/python" - 2>&1 <<'EOF'
from streamlit.testing.v1 import AppTest

from factcheck.resources import app_script

script = app_script()
assert "site-packages" in str(script), script
at = AppTest.from_file(str(script), default_timeout=120).run()
assert not at.exception, [e.message for e in at.exception]
assert [t.value for t in at.title] == ["Claims queue"], [t.value for t in at.title]
print(f"the Claims queue page from {script}")
EOF
)"; then
    pass "the installed app runs its pages: $(tail -1 <<<"$out")"
else
    fail "the installed app's script failed: $out"
fi

finish
