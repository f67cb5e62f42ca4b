#!/usr/bin/env bash
# Validates every CloudFormation template under infra/cloudformation/ offline; exits non-zero
# when any template has an error (warnings are printed, not fatal).
#
# 1. The npm package cfn-lint (a JavaScript validator, no Python needed), pinned with its
#    resource specification by infra/cloudformation/package.json + package-lock.json and
#    installed into .local/cfn-lint/ with `npm ci` when missing or when the lock file changed.
#    infra/cloudformation/validate.cjs runs it; lint-parameters.json gives it parameter sets.
#    Always runs: needs only Node.js, npm and the npm registry.
# 2. AWS's cfn-lint (the Python package `cfnlint`), when this machine has it: the machine image
#    ships 1.51.0, PyPI itself is not reachable, so it is never installed here. It checks far
#    more (current resource schemas, IAM policy syntax, GetAtt/Sub references, best practices).
#    EP_REQUIRE_AWS_CFN_LINT=1 makes its absence an error; EP_SKIP_AWS_CFN_LINT=1 skips it.
#
# Usage: scripts/validate-templates.sh [TEMPLATE...]   (default: every template)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cfn_dir="$root/infra/cloudformation"
install_dir="$root/.local/cfn-lint"

log() { printf '%s\n' "$*" >&2; }
die() { printf 'validate-templates: %s\n' "$*" >&2; exit 2; }

if [ "$#" -gt 0 ]; then
  templates=()
  for file in "$@"; do
    [ -f "$file" ] || die "no such template: $file"
    templates+=("$(realpath "$file")")
  done
else
  templates=()
  while IFS= read -r -d '' file; do
    case "$(basename "$file")" in
      package.json | package-lock.json | lint-parameters.json) continue ;;
    esac
    case "$file" in
      *.json) grep -q '"Resources"' "$file" || continue ;;
    esac
    templates+=("${file#"$root"/}")
  done < <(find "$cfn_dir" -path '*/node_modules' -prune -o -type f \
             \( -name '*.yaml' -o -name '*.yml' -o -name '*.template' -o -name '*.json' \) -print0 | sort -z)
fi
[ "${#templates[@]}" -gt 0 ] || die "no template found under $cfn_dir"
cd "$root"

# ---- 1. npm cfn-lint ----------------------------------------------------------------------
command -v node >/dev/null || die "Node.js (node) is required."
command -v npm >/dev/null || die "npm is required."

stamp="$(cat "$cfn_dir/package.json" "$cfn_dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$install_dir/.installed" ] || [ "$(cat "$install_dir/.installed")" != "$stamp" ]; then
  log "Installing the template validator into ${install_dir#"$root"/} (npm ci)..."
  rm -rf "$install_dir"
  mkdir -p "$install_dir"
  cp "$cfn_dir/package.json" "$cfn_dir/package-lock.json" "$install_dir/"
  # --ignore-scripts: nothing in this tree needs an install script (core-js's only prints).
  (cd "$install_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) \
    || die "npm ci failed in $install_dir"
  printf '%s\n' "$stamp" > "$install_dir/.installed"
fi

status=0
node "$cfn_dir/validate.cjs" --install-dir "$install_dir" \
  --parameters "$cfn_dir/lint-parameters.json" "${templates[@]}" || status=1

# ---- 2. AWS cfn-lint (Python), when present -----------------------------------------------
python=""
for candidate in python3 python; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import cfnlint.runner' 2>/dev/null; then
    python="$candidate"
    break
  fi
done

if [ "${EP_SKIP_AWS_CFN_LINT:-0}" = 1 ]; then
  log "AWS cfn-lint: skipped (EP_SKIP_AWS_CFN_LINT=1)."
elif [ -z "$python" ]; then
  if [ "${EP_REQUIRE_AWS_CFN_LINT:-0}" = 1 ]; then
    log "AWS cfn-lint: the Python package cfnlint is not installed, and EP_REQUIRE_AWS_CFN_LINT=1."
    status=1
  else
    log "AWS cfn-lint: not installed here (Python package cfnlint); only the npm validator ran."
  fi
else
  version="$("$python" -c 'import cfnlint.version; print(cfnlint.version.__version__)' 2>/dev/null || echo '?')"
  echo "cfn-lint $version (AWS, Python)"
  set +e
  "$python" -c 'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())' \
    "${templates[@]}"
  rc=$?
  set -e
  # Its exit code is a bit mask: 2 = errors, 4 = warnings, 8 = informational; 1 = it failed.
  if [ "$rc" -eq 1 ] || [ $((rc & 2)) -ne 0 ] || [ "$rc" -ge 16 ]; then
    echo "AWS cfn-lint: errors (exit code $rc)"
    status=1
  elif [ $((rc & 4)) -ne 0 ]; then
    echo "AWS cfn-lint: warnings only (exit code $rc)"
  else
    echo "AWS cfn-lint: ${#templates[@]} templates, no errors, no warnings"
  fi
fi

if [ "$status" -eq 0 ]; then
  echo "Templates valid: ${#templates[@]} checked."
else
  echo "Templates INVALID: see the errors above." >&2
fi
exit "$status"
