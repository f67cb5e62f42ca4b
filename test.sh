#!/usr/bin/env bash
# Provision what is missing, build, validate the templates, start a private PostgreSQL cluster,
# the SQS/S3 emulator and a RabbitMQ node on loopback, and run every test.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
source "$EP_ROOT/scripts/emulator.sh"
source "$EP_ROOT/scripts/rabbitmq.sh"

ep_provision
ep_provision_emulator
ep_provision_rabbitmq
ep_provision_prometheus
ep_build

# The CloudFormation templates, the GitHub workflows and the Prometheus rules are checked offline
# before anything runs.
"$EP_ROOT/scripts/validate-templates.sh"
"$EP_ROOT/scripts/lint-workflows.sh"
# The Prometheus twin of the CloudWatch alarms (infra/prometheus/), with Debian's promtool.
promtool check rules "$EP_ROOT"/infra/prometheus/*.rules.yml

# The images, built from this tree (kept while their sources are unchanged), for tests/ContainerTests,
# which also push them to Debian's registry on loopback.
EP_TEST_IMAGE_TAG="$("$EP_ROOT/scripts/build-images.sh")"
command -v docker-registry >/dev/null || ep_apt_install docker-registry
export EP_TEST_IMAGE_TAG

# Tests get a throwaway cluster of their own; durability settings are off because nothing here
# must survive a crash of the machine, and they make schema creation several times faster.
test_pg="$EP_LOCAL/test-pg"
rm -rf "$test_pg"
cleanup() {
  trap - EXIT INT TERM
  ep_stop_emulator
  ep_stop_rabbitmq
  if [ "${EP_PG_STARTED:-0}" = 1 ]; then ep_stop_postgres "$test_pg"; fi
}
trap cleanup EXIT INT TERM
ep_start_postgres "$test_pg" fsync=off synchronous_commit=off full_page_writes=off
export EP_TEST_POSTGRES="$(ep_pg_connection postgres)"
ep_start_emulator
ep_start_rabbitmq "$EP_LOCAL/test-rabbitmq"
export EP_CONFIGURATION

mkdir -p "$EP_LOCAL"
log="$EP_LOCAL/test-output.log"
set +e
dotnet test "$EP_ROOT/EventPlatform.sln" -c "$EP_CONFIGURATION" --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line that CI can read, summed over every test assembly.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ]; then exit "$status"; fi
if [ "$passed" -eq 0 ]; then echo "No test ran." >&2; exit 1; fi
