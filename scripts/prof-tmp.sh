#!/usr/bin/env bash
# HTTP load benchmark (docs/benchmarks.md, "HTTP load"): a release build of `stagesub serve --demo` on a
# fresh data directory on loopback, the demo roster filled up to 200 musicians, then Debian's wrk against
#   - GET /api/v1/musicians?limit=200 with an orchestra API key (the authenticated JSON list),
#   - GET /r/<token>, a musician's answer page,
#   - GET /healthz and GET /login (the floor: one registry read, no database at all),
# each with 1, 8 and 32 connections. Usage: scripts/bench-http [seconds per run, default 15]
# BENCH_BIN=path runs another build of stagesub (e.g. an older commit's) instead of building this tree;
# BENCH_CONNECTIONS="1 8 32" sets the connection counts.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-15}
PORT=${BENCH_PORT:-18080}
command -v wrk >/dev/null || { if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; }
./scripts/setup >/dev/null
if [ -n "${BENCH_BIN:-}" ]; then
    BIN=$BENCH_BIN
else
    swift build -c release --scratch-path .build-benchrel --product stagesub >&2
    BIN=.build-benchrel/release/stagesub
fi

DATA=$(mktemp -d)
LOG="$DATA.log"
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA" "$LOG"' EXIT
"$BIN" serve --demo --data "$DATA/data" --port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
PASSWORD=$(sed -n 's/.*as  demo \/ \([^ ]*\).*/\1/p' "$LOG" | head -n 1)
[ -n "$PASSWORD" ] || { echo "no demo password in the server's output:" >&2; cat "$LOG" >&2; exit 1; }

# Log in, make an API key, fill the roster to 200, find an open answer link in the outbox.
read -r KEY TOKEN < <(PORT="$PORT" PASSWORD="$PASSWORD" python3 - <<'EOF'
import json, os, urllib.request, http.cookiejar
base = f"http://127.0.0.1:{os.environ['PORT']}"
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def call(method, path, body=None, headers={}):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"content-type": "application/json", **headers})
    with opener.open(req) as r:
        return json.loads(r.read() or b"null")
csrf = call("POST", "/api/v1/login", {"username": "demo", "password": os.environ["PASSWORD"]})["csrfToken"]
key = call("POST", "/api/v1/api-keys", {"name": "bench"}, {"X-CSRF-Token": csrf})["key"]
auth = {"Authorization": "Bearer " + key}
have = call("GET", "/api/v1/musicians?limit=1", headers=auth)["total"]
for i in range(200 - have):
    call("POST", "/api/v1/musicians", {"firstName": f"Bench{i}", "lastName": "Player", "email": f"bench{i}@example.org",
                                       "positionIds": [1]}, auth)
assert call("GET", "/api/v1/musicians?limit=1", headers=auth)["total"] == 200
token = None
for message in call("GET", "/api/v1/outbox?limit=200", headers=auth)["items"]:
    body = message.get("body") or ""
    if "/r/" in body and token is None:
        token = body.split("/r/", 1)[1].split()[0].rstrip(".,)")
assert token, "no answer link in the outbox"
with urllib.request.urlopen(f"{base}/r/{token}") as r:
    assert r.status == 200
print(key, token)
EOF
)

perf record -F 999 -g -p "$SERVER" -o /tmp/perf.list.data -- sleep 12 >/dev/null 2>&1 &
wrk -t2 -c8 -d12s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/musicians?limit=200" | grep Requests/sec
wait %1 2>/dev/null || sleep 2
perf record -F 999 -g -p "$SERVER" -o /tmp/perf.answer.data -- sleep 12 >/dev/null 2>&1 &
wrk -t2 -c8 -d12s "http://127.0.0.1:$PORT/r/$TOKEN" | grep Requests/sec
sleep 2
