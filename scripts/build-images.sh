#!/usr/bin/env bash
# Builds every image the stack names, from this tree, with podman (no Docker engine, no registry):
#   localhost/eventplatform/{api,sagas,bridge,projections}:TAG   one image of src/Host, four names
#   localhost/eventplatform/agent:TAG                             src/Agent
# TAG is the commit (git rev-parse --short HEAD), with -dirty when the tree has changes. The base,
# localhost/debian-base:bookworm, is debootstrap's minbase plus build/images/base-packages, made
# once and kept as an archive under .local/images/ (docs/adr/0022-images-and-api-keys.md).
#
# Prints TAG on stdout (everything else goes to stderr). An image whose inputs (the tree's sources,
# build files and Containerfiles) have not changed since it was built is kept, so a second run is
# quick. Needs root (debootstrap, rootful podman); installs podman and debootstrap with apt when missing.
#
# Usage: scripts/build-images.sh [--list]    (--list: print the image names and stop)
# Environment: EP_DEBIAN_MIRROR  the Debian mirror (default: the one apt uses here, or deb.debian.org)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EP_IMAGES=(api sagas bridge projections agent)
EP_HOST_IMAGES=(api sagas bridge projections)
if [ "${1:-}" = --list ]; then printf '%s\n' "${EP_IMAGES[@]}"; exit 0; fi

images_dir="$EP_ROOT/build/images"
work="$EP_LOCAL/images"
base_image=localhost/debian-base:bookworm
export CONTAINERS_CONF="$images_dir/containers.conf"

[ "$(id -u)" = 0 ] || ep_die "build-images: needs root (debootstrap and podman build)."
command -v dotnet >/dev/null || ep_die "build-images: the .NET SDK (dotnet) is required."
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v runc >/dev/null; then
  ep_apt_install podman buildah runc uidmap fuse-overlayfs slirp4netns debootstrap
fi
mkdir -p "$work"

# The runner's checkout belongs to another user when this runs under sudo: git would refuse it.
git_() { git -c safe.directory="$EP_ROOT" -C "$EP_ROOT" "$@"; }

tag="$(git_ rev-parse --short HEAD)"
if [ -n "$(git_ status --porcelain --untracked-files=normal)" ]; then tag="$tag-dirty"; fi

# What an image is made of: every tracked or new file under these paths, by content.
inputs_hash() {
  git_ ls-files -z --cached --others --exclude-standard -- \
      src build Directory.Build.props Directory.Packages.props nuget.config global.json \
    | sort -z \
    | while IFS= read -r -d '' file; do
        if [ -f "$EP_ROOT/$file" ]; then printf '%s  %s\n' "$(sha256sum < "$EP_ROOT/$file" | cut -d' ' -f1)" "$file"; fi
      done \
    | sha256sum | cut -d' ' -f1
}
inputs="$(inputs_hash)"

image_inputs() { podman image inspect --format '{{ index .Labels "eventplatform.inputs" }}' "$1" 2>/dev/null || true; }

debian_mirror() {
  if [ -n "${EP_DEBIAN_MIRROR:-}" ]; then printf '%s\n' "$EP_DEBIAN_MIRROR"; return; fi
  # Only a Debian machine's apt mirror serves Debian (a GitHub runner's serves Ubuntu).
  if grep -qs '^ID=debian' /etc/os-release; then
    local uri
    uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | awk 'NR == 1')"
    [ -n "$uri" ] || uri="$(grep -hsE '^deb ' /etc/apt/sources.list | awk 'NR == 1 {print $2}')"
    if [ -n "$uri" ]; then printf '%s\n' "$uri"; return; fi
  fi
  printf '%s\n' http://deb.debian.org/debian
}

# ---- the base: minbase + base-packages, cached as an archive -----------------------------------
base_stamp="$(grep -v '^#' "$images_dir/base-packages" | sha256sum | cut -d' ' -f1)"
base_archive="$work/debian-base-bookworm-${base_stamp:0:12}.tar"
started=$SECONDS
if [ "$(image_inputs "$base_image")" != "$base_stamp" ]; then
  if [ -f "$base_archive" ]; then
    ep_log "Loading $base_image from ${base_archive#"$EP_ROOT"/}..."
    podman load --quiet --input "$base_archive" >/dev/null
  else
    mirror="$(debian_mirror)"
    packages="$(grep -v '^#' "$images_dir/base-packages" | paste -sd, -)"
    rootfs="$work/rootfs"
    rm -rf "$rootfs"
    ep_log "Making $base_image: debootstrap --variant=minbase bookworm from $mirror (+ $packages)..."
    debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || ep_die "debootstrap failed: see $work/debootstrap.log"
    # What a container never needs: downloaded packages, package lists (stale by the first run),
    # documentation but its copyright notices, and translations.
    rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/man/* \
      "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*
    find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
    tar -C "$rootfs" -c . \
      | podman import --quiet --change 'CMD ["/bin/bash"]' --change "LABEL eventplatform.inputs=$base_stamp" - "$base_image" >/dev/null
    rm -rf "$rootfs"
    rm -f "$work"/debian-base-bookworm-*.tar
    podman save --quiet --output "$base_archive" "$base_image"
  fi
  ep_log "Base image ready in $((SECONDS - started)) s."
fi

# ---- the applications ---------------------------------------------------------------------------
# build_image NAME PROJECT CONTAINERFILE: publish PROJECT self-contained for linux-x64 and build
# localhost/eventplatform/NAME:TAG from it, unless an image of the same inputs has that tag already.
build_image() {
  local name="$1" project="$2" containerfile="$3"
  local image="localhost/eventplatform/$name:$tag" out="$work/publish/$name" previous
  if [ "$(image_inputs "$image")" = "$inputs" ]; then
    ep_log "$image is up to date."
    return 0
  fi
  # Another commit with the same sources (a change to docs only) built it already. awk, not head:
  # head leaves the pipe early, and under pipefail podman's SIGPIPE would end the script.
  previous="$(podman images --noheading --filter "reference=localhost/eventplatform/$name" \
    --filter "label=eventplatform.inputs=$inputs" --format '{{.ID}}' | awk 'NR == 1')"
  if [ -n "$previous" ]; then
    podman tag "$previous" "$image"
    ep_log "$image: the image of the same sources, tagged."
    return 0
  fi
  started=$SECONDS
  ep_log "Publishing $project (self-contained, linux-x64)..."
  rm -rf "$out"
  # A separate artifacts path: the tree's own bin/ and obj/ (built for tests, without a runtime
  # identifier) are left as they are.
  dotnet publish "$EP_ROOT/$project" -c Release -r linux-x64 --self-contained \
      --artifacts-path "$work/artifacts" -o "$out" --nologo -v quiet -clp:ErrorsOnly >&2 \
    || ep_die "dotnet publish $project failed."
  previous="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  ep_log "Building $image..."
  podman build --quiet --format docker --pull=never \
      --label "eventplatform.inputs=$inputs" \
      --label "org.opencontainers.image.revision=$(git_ rev-parse HEAD)" \
      --label "org.opencontainers.image.version=$tag" \
      -f "$images_dir/$containerfile" -t "$image" "$out" >/dev/null \
    || ep_die "podman build of $image failed."
  # The image this tag named before (a -dirty tag built again) is of no use any more.
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$image")" ]; then
    podman rmi --force "$previous" >/dev/null 2>&1 || true
  fi
  ep_log "$image built in $((SECONDS - started)) s."
}

# A cached copy of the old Marten lock stand-in (ADR 2) would be restored into the images.
ep_drop_cached_lock_stand_in

build_image host src/Host host.Containerfile
for name in "${EP_HOST_IMAGES[@]}"; do
  podman tag "localhost/eventplatform/host:$tag" "localhost/eventplatform/$name:$tag"
done
build_image agent src/Agent agent.Containerfile

printf '%s\n' "$tag"
