#!/usr/bin/env bash
# Load figures for GET /api/subscriptions/plans on one video-api instance: starts the packaged jar
# on a free port, warms it up, runs wrk, prints p50/p99/throughput and stops the jar.
# A benchmark, not a test: it asserts nothing. Build the jar first: ./mvnw -B -pl video-api package
#
# Settings (environment): DURATION (15s), THREADS (2), CONNECTIONS (16), WARMUP (5s),
# DB_HOST/DB_PORT/DB_USER/DB_PASSWORD as for video-api, DB_NAME (videoapi_bench, created if psql is there),
# JAR (video-api/target/video-api.jar), JAVA_OPTS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${JAR:-$root/video-api/target/video-api.jar}"
duration="${DURATION:-15s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
warmup="${WARMUP:-5s}"
export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5432}" DB_USER="${DB_USER:-postgres}"
export DB_PASSWORD="${DB_PASSWORD:-}" DB_NAME="${DB_NAME:-videoapi_bench}"

command -v wrk >/dev/null || { echo "wrk not found (Debian: apt-get install -y wrk)" >&2; exit 1; }
[[ -f "$jar" ]] || { echo "no jar at $jar (./mvnw -B -pl video-api package)" >&2; exit 1; }

if command -v psql >/dev/null; then
  export PGPASSWORD="$DB_PASSWORD"
  if [[ -z "$(psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
    psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  fi
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp -t video-api-bench.XXXXXX.log)"
url="http://127.0.0.1:$port/api/subscriptions/plans"

# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar "$jar" --server.port="$port" >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap stop EXIT

for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "video-api exited; log: $log" >&2; tail -n 30 "$log" >&2; exit 1; fi
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/ready" || { echo "video-api not ready after 60 s; log: $log" >&2; exit 1; }

wrk -t"$threads" -c"$connections" -d"$warmup" "$url" >/dev/null
result="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url")"

echo "$result"
echo
echo "video-api GET /api/subscriptions/plans  (wrk -t$threads -c$connections -d$duration, after a $warmup warm-up, $(nproc) CPUs)"
echo "$result" | awk '
  /^ +50%/ { print "  p50         " $2 }
  /^ +90%/ { print "  p90         " $2 }
  /^ +99%/ { print "  p99         " $2 }
  /^Requests\/sec/ { print "  throughput  " $2 " req/s" }
  /Non-2xx/ { print "  non-2xx     " $NF }
  /Socket errors/ { print "  " $0 }'
