#!/usr/bin/env bash
# Provision what is missing, build the host and the bench in Release, start a private durable
# PostgreSQL cluster and the host (instant launcher) on loopback, and run the benchmark suite.
#   ./bench.sh           the full suite (a few minutes)
#   ./bench.sh --quick   tiny loads, to check that it still works
#   --profile            also record a sampled profile of the host (dotnet-trace) during the last
#                        instant lifecycle stage, summarised in the table
# Results: bench/results/<timestamp>.json and a table on stdout. See docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"

ep_provision
# Only the two programs the bench runs: the host and the bench itself (Release: realistic builds).
ep_log "Building the host and the bench (Release)..."
for project in "$EP_ROOT/src/Host/Host.csproj" "$EP_ROOT/bench/EventPlatform.Bench/EventPlatform.Bench.csproj"; do
  dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly || ep_die "Build failed: $project"
done

# Durable settings (fsync, synchronous_commit and full_page_writes on, the defaults): commits cost
# what they cost in production, and pgbench measures the same ceiling.
bench_pg="$EP_LOCAL/bench-pg"
host_pids=()
cleanup() {
  trap - EXIT INT TERM
  local pid
  for pid in "${host_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ "${EP_PG_STARTED:-0}" = 1 ]; then ep_stop_postgres "$bench_pg"; ep_log "PostgreSQL stopped."; fi
}
trap cleanup EXIT INT TERM
ep_start_postgres "$bench_pg" fsync=on synchronous_commit=on full_page_writes=on
bin="$(ep_pg_bin)"

profile=0
for arg in "$@"; do
  if [ "$arg" = --profile ]; then profile=1; fi
done

# Fresh databases per run, so each store holds only this run's jobs: one for the host with the
# instant launcher (most stages), one for the host with the real local launcher.
app_db=eventplatform_bench
local_db=eventplatform_bench_local
quiet_db=eventplatform_bench_quiet
for db in "$app_db" "$local_db" "$quiet_db"; do
  "$bin/dropdb" -h 127.0.0.1 -p "$EP_PG_PORT" -U postgres --if-exists --force "$db"
  "$bin/createdb" -h 127.0.0.1 -p "$EP_PG_PORT" -U postgres "$db"
done

api_key="bench-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"

# start_host NAME DATABASE LAUNCHER [VAR=VALUE...]: starts a host on a free port in the background;
# sets host_url and host_started_pid. Its pid joins host_pids, which the cleanup stops.
start_host() {
  local name=$1 db=$2 launcher=$3
  shift 3
  local port log
  port="$(ep_free_port)"
  host_url="http://127.0.0.1:$port"
  log="$EP_LOCAL/bench-$name.log"
  ep_log "Starting the $name host on $host_url ($launcher launcher; log in $log)..."
  env \
    EcsBridge__Launcher="$launcher" \
    ConnectionStrings__Postgres="$(ep_pg_connection "$db")" \
    Auth__ApiKeys__0__Key="$api_key" \
    Auth__ApiKeys__0__User=bench \
    Auth__ApiKeys__0__Admin=true \
    Admission__MaxQueuedPerUser=1000000 \
    RateLimits__Submissions__Burst=1000000 \
    RateLimits__Submissions__PerSecond=1000000 \
    Artifacts__LocalRoot="$EP_LOCAL/bench-artifacts-$name" \
    "$@" \
    dotnet "$EP_ROOT/src/Host/bin/Release/net10.0/EventPlatform.Host.dll" --urls "$host_url" --contentRoot "$EP_ROOT/src/Host" >"$log" 2>&1 &
  host_started_pid=$!
  host_pids+=("$host_started_pid")
  for _ in $(seq 1 300); do
    if ! kill -0 "$host_started_pid" 2>/dev/null; then ep_die "The $name host exited during start-up: see $log"; fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$host_url/healthz" || true)" = 200 ]; then return 0; fi
    sleep 0.2
  done
  ep_die "The $name host did not become healthy: see $log"
}

# The instant host admits everything at once: the stages measure the orchestration, not the caps.
# Every telemetry export the AWS services run is on (Prometheus, spans, gauges, EMF lines to its log);
# the quiet host is the same with all of it off, for the telemetry cost stage.
start_host instant "$app_db" Instant Admission__MaxRunning=100000 Admission__MaxRunningPerUser=100000 \
  Telemetry__Emf__Enabled=true Telemetry__Emf__Interval=00:00:10
url=$host_url
host_pid=$host_started_pid
start_host quiet "$quiet_db" Instant Admission__MaxRunning=100000 Admission__MaxRunningPerUser=100000 \
  Telemetry__Prometheus__Enabled=false Telemetry__Tracing__Enabled=false Telemetry__Gauges__Run=false
quiet_url=$host_url
quiet_pid=$host_started_pid
# The local host keeps the embedded default's global cap: each job is a real sandboxed process.
start_host local "$local_db" Local Admission__MaxRunning=32 Admission__MaxRunningPerUser=32
local_url=$host_url
local_pid=$host_started_pid

trace_env=()
if [ "$profile" = 1 ]; then
  tools="$EP_LOCAL/tools"
  if [ ! -x "$tools/dotnet-trace" ]; then
    ep_log "Installing dotnet-trace into $tools..."
    dotnet tool install --tool-path "$tools" dotnet-trace >/dev/null || ep_die "Could not install dotnet-trace."
  fi
  trace_env=(EP_BENCH_DOTNET_TRACE="$tools/dotnet-trace" EP_BENCH_TRACE_DIR="$EP_LOCAL/bench-trace")
fi

mkdir -p "$EP_ROOT/bench/results"
env \
  EP_BENCH_URL="$url" \
  EP_BENCH_API_KEY="$api_key" \
  EP_BENCH_HOST_PID="$host_pid" \
  EP_BENCH_LOCAL_URL="$local_url" \
  EP_BENCH_LOCAL_PID="$local_pid" \
  EP_BENCH_LOCAL_DB="$local_db" \
  EP_BENCH_QUIET_URL="$quiet_url" \
  EP_BENCH_QUIET_PID="$quiet_pid" \
  EP_BENCH_QUIET_DB="$quiet_db" \
  EP_BENCH_PG_PORT="$EP_PG_PORT" \
  EP_BENCH_APP_DB="$app_db" \
  EP_BENCH_PGBENCH="$bin/pgbench" \
  EP_BENCH_OUT="$EP_ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ).json" \
  "${trace_env[@]}" \
  dotnet "$EP_ROOT/bench/EventPlatform.Bench/bin/Release/net10.0/EventPlatform.Bench.dll" "$@"
