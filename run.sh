#!/usr/bin/env bash
# Provision what is missing, build, and run the whole platform in one process on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"

port="${EP_PORT:-8080}"
if ep_port_busy "$port"; then
  ep_die "run.sh: port $port on 127.0.0.1 is already in use; set EP_PORT to a free port."
fi

ep_provision
ep_build
ep_start_postgres "$EP_LOCAL/pg"
ep_ensure_database eventplatform

host_pid=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$host_pid" ]; then kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; fi
  if [ "$EP_PG_STARTED" = 1 ]; then ep_stop_postgres "$EP_LOCAL/pg"; ep_log "PostgreSQL stopped."; fi
}
trap cleanup EXIT INT TERM

url="http://127.0.0.1:$port"
cat >&2 <<MSG

EventPlatform is starting on $url  (Ctrl-C stops it)
Try:
  curl -s -X POST $url/jobs -H 'X-Api-Key: ep-dev-key' -H 'Content-Type: application/json' -d '{"command": ["sh","-c","echo hi"], "timeoutSeconds": 60}'
  EP_URL=$url ./ep submit --wait -- sh -c 'echo hello'

MSG

# The Embedded environment ships the documented development key ep-dev-key (src/Host/appsettings.Embedded.json).
ASPNETCORE_ENVIRONMENT=Embedded \
ConnectionStrings__Postgres="$(ep_pg_connection eventplatform)" \
LocalLauncher__WorkRoot="$EP_LOCAL/tasks" \
Artifacts__LocalRoot="${Artifacts__LocalRoot:-$EP_LOCAL/artifacts}" \
  dotnet "$EP_HOST_DLL" --urls "$url" --contentRoot "$EP_ROOT/src/Host" &
host_pid=$!
wait "$host_pid"
