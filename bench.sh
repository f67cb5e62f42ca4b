#!/usr/bin/env bash
# Provision what is missing, build the host and the bench in Release, start a private durable
# PostgreSQL cluster and the host (instant launcher) on loopback, and run the benchmark suite.
#   ./bench.sh           the full suite (a few minutes)
#   ./bench.sh --quick   tiny loads, to check that it still works
# Results: bench/results/<timestamp>.json and a table on stdout. See docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"

ep_provision
# Only the two programs the bench runs: the host and the bench itself (Release: realistic builds).
ep_log "Building the host and the bench (Release)..."
for project in "$EP_ROOT/src/Api/Api.csproj" "$EP_ROOT/bench/EventPlatform.Bench/EventPlatform.Bench.csproj"; do
  dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly || ep_die "Build failed: $project"
done

# Durable settings (fsync, synchronous_commit and full_page_writes on, the defaults): commits cost
# what they cost in production, and pgbench measures the same ceiling.
bench_pg="$EP_LOCAL/bench-pg"
host_pid=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$host_pid" ]; then kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; fi
  if [ "${EP_PG_STARTED:-0}" = 1 ]; then ep_stop_postgres "$bench_pg"; ep_log "PostgreSQL stopped."; fi
}
trap cleanup EXIT INT TERM
ep_start_postgres "$bench_pg" fsync=on synchronous_commit=on full_page_writes=on
bin="$(ep_pg_bin)"

# A fresh database per run, so the store holds only this run's jobs.
app_db=eventplatform_bench
"$bin/dropdb" -h 127.0.0.1 -p "$EP_PG_PORT" -U postgres --if-exists --force "$app_db"
"$bin/createdb" -h 127.0.0.1 -p "$EP_PG_PORT" -U postgres "$app_db"

port="$(ep_free_port)"
api_key="bench-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
url="http://127.0.0.1:$port"
host_log="$EP_LOCAL/bench-host.log"
ep_log "Starting the host on $url (instant launcher; log in $host_log)..."
EcsBridge__Launcher=Instant \
ConnectionStrings__Postgres="$(ep_pg_connection "$app_db")" \
Auth__ApiKeys__0__Key="$api_key" \
Auth__ApiKeys__0__User=bench \
Admission__MaxRunning=100000 \
Admission__MaxRunningPerUser=100000 \
Admission__MaxQueuedPerUser=1000000 \
RateLimits__Submissions__Burst=1000000 \
RateLimits__Submissions__PerSecond=1000000 \
Artifacts__LocalRoot="$EP_LOCAL/bench-artifacts" \
  dotnet "$EP_ROOT/src/Api/bin/Release/net10.0/EventPlatform.Api.dll" --urls "$url" --contentRoot "$EP_ROOT/src/Api" >"$host_log" 2>&1 &
host_pid=$!

for _ in $(seq 1 300); do
  if ! kill -0 "$host_pid" 2>/dev/null; then ep_die "The host exited during start-up: see $host_log"; fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz" || true)" = 200 ]; then break; fi
  sleep 0.2
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz" || true)" = 200 ] || ep_die "The host did not become healthy: see $host_log"

mkdir -p "$EP_ROOT/bench/results"
EP_BENCH_URL="$url" \
EP_BENCH_API_KEY="$api_key" \
EP_BENCH_HOST_PID="$host_pid" \
EP_BENCH_PG_PORT="$EP_PG_PORT" \
EP_BENCH_APP_DB="$app_db" \
EP_BENCH_PGBENCH="$bin/pgbench" \
EP_BENCH_OUT="$EP_ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ).json" \
  dotnet "$EP_ROOT/bench/EventPlatform.Bench/bin/Release/net10.0/EventPlatform.Bench.dll" "$@"
