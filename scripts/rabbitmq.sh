# A private RabbitMQ node for tests: Debian's rabbitmq-server, started under .local/ with every
# port on 127.0.0.1 (AMQP, Erlang distribution, and an epmd of its own), stopped by pid.
# Sourced after (or instead of) scripts/lib.sh.
#   ep_provision_rabbitmq   apt-get install rabbitmq-server when it is missing
#   ep_start_rabbitmq DIR   start a node in DIR (emptied first); exports EP_TEST_RABBITMQ (amqp://127.0.0.1:<port>)
#                           and EP_TEST_RABBITMQCTL (a rabbitmqctl that talks to that node)
#   ep_stop_rabbitmq        stop the node and the epmd ep_start_rabbitmq started, and only those

if ! declare -F ep_log >/dev/null; then
  source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi

# Debian's own scripts, not the /usr/sbin wrappers: those switch to the rabbitmq user and its
# home in /var/lib/rabbitmq, where the system node (if any) keeps its cookie and data.
EP_RABBITMQ_BIN=/usr/lib/rabbitmq/bin

ep_provision_rabbitmq() {
  if [ ! -x "$EP_RABBITMQ_BIN/rabbitmq-server" ] || ! command -v epmd >/dev/null; then
    ep_apt_install rabbitmq-server
  fi
}

# Everything the node and rabbitmqctl read, pointing into DIR; written once as DIR/env.
ep_write_rabbitmq_env() {
  local dir="$1" node_port dist_port ctl_port epmd_port
  node_port="$(ep_free_port)"
  dist_port="$(ep_free_port)"
  ctl_port="$(ep_free_port)"
  epmd_port="$(ep_free_port)"
  # The node's distribution and rabbitmqctl's own short-lived node listen on loopback only, and
  # never start an epmd of their own: ep_start_rabbitmq starts one on its own port.
  local erl_args="-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false"
  cat >"$dir/env" <<ENV
export HOME='$dir'
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=$epmd_port
export RABBITMQ_NODENAME='ep-test-$node_port@localhost'
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$node_port
export RABBITMQ_DIST_PORT=$dist_port
export RABBITMQ_CTL_DIST_PORT_MIN=$ctl_port
export RABBITMQ_CTL_DIST_PORT_MAX=$ctl_port
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='$erl_args'
export RABBITMQ_CTL_ERL_ARGS='$erl_args'
export RABBITMQ_CONF_ENV_FILE='$dir/rabbitmq-env.conf'
export RABBITMQ_CONFIG_FILE='$dir/rabbitmq.conf'
export RABBITMQ_ADVANCED_CONFIG_FILE='$dir/advanced.config'
export RABBITMQ_ENABLED_PLUGINS_FILE='$dir/enabled_plugins'
export RABBITMQ_MNESIA_BASE='$dir/mnesia'
export RABBITMQ_LOG_BASE='$dir/log'
export RABBITMQ_PID_FILE='$dir/rabbitmq.pid'
ENV
  : >"$dir/rabbitmq-env.conf"
  : >"$dir/rabbitmq.conf"
  echo '[].' >"$dir/enabled_plugins"
  cat >"$dir/rabbitmqctl" <<CTL
#!/usr/bin/env bash
source '$dir/env'
exec '$EP_RABBITMQ_BIN/rabbitmqctl' "\$@"
CTL
  chmod +x "$dir/rabbitmqctl"
}

ep_start_rabbitmq() {
  local dir="$1" waited=0
  ep_provision_rabbitmq
  rm -rf "$dir"
  mkdir -p "$dir"
  ep_write_rabbitmq_env "$dir"
  EP_RABBITMQ_DIR="$dir"

  (source "$dir/env" && exec epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1) >"$dir/epmd.log" 2>&1 &
  EP_EPMD_PID=$!
  local epmd_port; epmd_port="$(source "$dir/env" && echo "$ERL_EPMD_PORT")"
  until ep_port_busy "$epmd_port"; do
    if ! kill -0 "$EP_EPMD_PID" 2>/dev/null || [ "$waited" -ge 100 ]; then
      ep_stop_rabbitmq
      ep_die "epmd did not start on 127.0.0.1:$epmd_port: see $dir/epmd.log"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done

  (source "$dir/env" && exec "$EP_RABBITMQ_BIN/rabbitmq-server") >"$dir/server.log" 2>&1 &
  EP_RABBITMQ_PID=$!
  # Waits for the pid file, then for the node to boot; gives up early if the node's process ends.
  if ! "$dir/rabbitmqctl" wait "$dir/rabbitmq.pid" --timeout 90 >"$dir/wait.log" 2>&1; then
    ep_stop_rabbitmq
    ep_die "RabbitMQ did not start: see $dir/server.log and $dir/log/"
  fi
  export EP_TEST_RABBITMQ="amqp://127.0.0.1:$(source "$dir/env" && echo "$RABBITMQ_NODE_PORT")"
  export EP_TEST_RABBITMQCTL="$dir/rabbitmqctl"
  ep_log "RabbitMQ started on ${EP_TEST_RABBITMQ#amqp://} (pid $EP_RABBITMQ_PID)."
}

ep_stop_rabbitmq() {
  local server="${EP_RABBITMQ_PID:-}" epmd="${EP_EPMD_PID:-}" dir="${EP_RABBITMQ_DIR:-}" beam=""
  EP_RABBITMQ_PID=""
  EP_EPMD_PID=""
  if [ -n "$dir" ] && [ -f "$dir/rabbitmq.pid" ]; then beam="$(cat "$dir/rabbitmq.pid")"; fi
  # rabbitmq-server stops its node on SIGTERM and then exits.
  if [ -n "$server" ]; then ep_stop_pid "$server" 300; fi
  # The Erlang VM itself, should it have outlived its script: the pid file names it, and its
  # command line names DIR (a reused pid would not).
  if [ -n "$beam" ] && { tr '\0' ' ' <"/proc/$beam/cmdline"; } 2>/dev/null | grep -qF -- "-home $dir "; then
    kill -9 "$beam" 2>/dev/null || true
  fi
  if [ -n "$epmd" ]; then ep_stop_pid "$epmd"; fi
}
