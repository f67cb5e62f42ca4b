# Shared by run.sh, test.sh and bench.sh: provision what is missing, build, and manage a private
# PostgreSQL cluster. Every server is bound to 127.0.0.1 and stopped only by the script that started it.

EP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EP_LOCAL="$EP_ROOT/.local"
EP_CONFIGURATION="${EP_CONFIGURATION:-Release}"
EP_HOST_DLL="$EP_ROOT/src/Host/bin/$EP_CONFIGURATION/net10.0/EventPlatform.Host.dll"

ep_log() { printf '%s\n' "$*" >&2; }
ep_die() { printf '%s\n' "$*" >&2; exit 1; }

ep_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ep_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ep_stop_pid PID [TENTHS]: SIGTERM to a child this script started, up to TENTHS tenths of a
# second (default 50) to exit, then SIGKILL.
ep_stop_pid() {
  local pid="$1" limit="${2:-50}" waited=0
  kill "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$limit" ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

ep_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ep_apt_install() {
  ep_log "Installing $* from Debian's packages..."
  if [ "$(id -u)" != 0 ]; then ep_die "Need root to apt-get install $*."; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  # Another install on the same machine holds dpkg's lock for a while: wait for it rather than fail.
  DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y -qq "$@" >/dev/null
}

ep_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then printf '%s\n' "$dir"; return 0; fi
  done
  return 1
}

ep_provision() {
  command -v dotnet >/dev/null || ep_die "The .NET SDK (dotnet) is required and is not on PATH."
  command -v python3 >/dev/null || ep_apt_install python3
  ep_pg_bin >/dev/null || ep_apt_install postgresql
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then ep_apt_install postgresql; fi
  ep_drop_cached_lock_stand_in
  ep_provision_browser
}

# The dashboard's browser tests drive Debian's chromium with Playwright (docs/adr/0023-a-dashboard-served-by-the-api.md):
# Playwright's own browser download cannot be reached from these machines, and its driver ships inside the
# Microsoft.Playwright NuGet package, which the build restores (and NuGet's cache keeps).
ep_provision_browser() {
  [ -x /usr/bin/chromium ] || ep_apt_install chromium
}

# Until the registry served Patched.DistributedLock.Postgres, set-up packed an empty stand-in of the
# same id and version (docs/adr/0002-marten-lock-stand-in.md). NuGet would go on reusing a cached
# copy of it, without the patched lock that Marten's HotCold daemon needs, so that copy goes.
ep_drop_cached_lock_stand_in() {
  local packages cached
  packages="$(cd "$EP_ROOT" && dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')" \
    || ep_die "Could not find NuGet's global packages folder."
  cached="${packages%/}/patched.distributedlock.postgres/1.3.3"
  if grep -qs '<authors>EventPlatform</authors>' "$cached/patched.distributedlock.postgres.nuspec"; then
    ep_log "Removing the cached Patched.DistributedLock.Postgres stand-in ($cached)."
    rm -rf "$cached"
  fi
}

# Debian's Prometheus server, for the test that reads the platform's metrics the way an operator would.
# Only the binaries are used: the package's own service is never started (no init runs here, and a
# test starts its server on loopback with a data folder of its own).
ep_provision_prometheus() {
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    ep_apt_install --no-install-recommends prometheus
    command -v prometheus >/dev/null || ep_die "Debian's prometheus package did not install."
  fi
  EP_TEST_PROMETHEUS="$(command -v prometheus)"
  export EP_TEST_PROMETHEUS
}

ep_build() {
  ep_log "Building ($EP_CONFIGURATION)..."
  dotnet build "$EP_ROOT/EventPlatform.sln" -c "$EP_CONFIGURATION" --nologo -v quiet -clp:ErrorsOnly \
    || ep_die "Build failed."
}

# ep_start_postgres DIR [extra postgres -c settings...]
# Starts (or reuses) a cluster in DIR on a free loopback port. Sets EP_PG_PORT, and EP_PG_STARTED=1
# when this call started it.
ep_start_postgres() {
  local dir="$1"; shift
  local bin; bin="$(ep_pg_bin)" || ep_die "PostgreSQL is not installed."
  EP_PG_STARTED=0
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  ep_as_postgres test -w "$dir" || ep_die "The postgres user cannot write $dir (check the permissions of its parent folders)."
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    ep_as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || ep_die "initdb failed: see $dir/initdb.log"
  fi
  if ep_as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 && [ -f "$dir/port" ]; then
    EP_PG_PORT="$(cat "$dir/port")"
    ep_log "PostgreSQL already running on 127.0.0.1:$EP_PG_PORT (left running)."
    return 0
  fi
  EP_PG_PORT="$(ep_free_port)"
  local options="-p $EP_PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400"
  local setting
  for setting in "$@"; do options="$options -c $setting"; done
  ep_as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null \
    || ep_die "PostgreSQL did not start: see $dir/postgres.log"
  printf '%s\n' "$EP_PG_PORT" | ep_as_postgres tee "$dir/port" >/dev/null
  EP_PG_STARTED=1
  ep_log "PostgreSQL started on 127.0.0.1:$EP_PG_PORT."
}

ep_stop_postgres() {
  local dir="$1" bin
  bin="$(ep_pg_bin)" || return 0
  ep_as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$dir/port"
}

ep_pg_connection() { printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=%s' "$EP_PG_PORT" "${1:-postgres}"; }

ep_ensure_database() {
  local bin; bin="$(ep_pg_bin)"
  if ! "$bin/psql" -h 127.0.0.1 -p "$EP_PG_PORT" -U postgres -tAc "select 1 from pg_database where datname = '$1'" postgres | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$EP_PG_PORT" -U postgres "$1"
  fi
}
