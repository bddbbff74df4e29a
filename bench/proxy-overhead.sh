#!/usr/bin/env bash
# Latency the local proxy adds: wrk against a fake backend directly, then through a LocalRouter front port
# (with the real per-track stats and Prometheus timers). A benchmark, not a test: it asserts nothing.
# Backend, proxy and wrk share the machine's cores, so read the figures as an upper bound.
#
# Settings (environment): DURATION (10s), CONNECTIONS (16), THREADS (2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
command -v wrk >/dev/null || { echo "wrk not found (Debian: apt-get install -y wrk)" >&2; exit 1; }

cd "$root"
./mvnw -B -pl control-plane test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="control-plane/target/test-classes:control-plane/target/classes:$(cat control-plane/target/bench.classpath)"

fifo="$(mktemp -u)"; mkfifo "$fifo"
out="$(mktemp)"
java -cp "$cp" dev.rollgate.controlplane.platform.local.proxy.ProxyOverheadBench <"$fifo" >"$out" &
pid=$!
exec 3>"$fifo"   # holding the fifo open keeps the bench serving; closing it stops it
trap 'exec 3>&-; wait "$pid" 2>/dev/null || true; rm -f "$fifo" "$out"' EXIT

for _ in $(seq 1 100); do grep -q front= "$out" && break; sleep 0.2; done
read -r backend front < <(sed -E 's/backend=([0-9]+) front=([0-9]+)/\1 \2/' "$out")

run() { # name port connections threads
  wrk -t"$4" -c"$3" -d"$duration" --latency "http://127.0.0.1:$2/api/videos" \
    | awk -v n="$1" '/^ +50%/{p50=$2} /^ +99%/{p99=$2} /Requests\/sec/{rps=$2} END{printf "%-22s p50 %-9s p99 %-9s %s req/s\n", n, p50, p99, rps}'
}

wrk -t2 -c16 -d3s "http://127.0.0.1:$front/api/videos" >/dev/null   # warm up both JIT paths
wrk -t2 -c16 -d3s "http://127.0.0.1:$backend/api/videos" >/dev/null
run "direct, 1 conn" "$backend" 1 1
run "proxied, 1 conn" "$front" 1 1
run "direct, $connections conns" "$backend" "$connections" "$threads"
run "proxied, $connections conns" "$front" "$connections" "$threads"
