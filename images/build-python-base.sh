#!/usr/bin/env bash
# Builds the local Python base image (Debian 12 + its Python 3.11) from Debian's mirror with
# mmdebstrap, as build-base.sh does for the Java one: for machines that reach no container
# registry. Users with a registry need none of this: envs/python/Containerfile defaults to a
# public Python base.
#   images/build-python-base.sh [TAG]      (default localhost/ratchet-python-base:bookworm)
set -euo pipefail
TAG="${1:-localhost/ratchet-python-base:bookworm}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}"
if podman image exists "$TAG"; then
  echo "base image $TAG exists"
  exit 0
fi
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "building $TAG from $MIRROR (about 20 s)"
# essential + Python and the C++ runtime (grpcio's wheel needs it); no man pages, docs or locales
mmdebstrap --quiet --variant=essential --include=python3,libstdc++6,passwd \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  bookworm "$WORK/rootfs.tar" "$MIRROR"
# Python writes no .pyc beside read-only code and flushes its output at once, as a pod's log wants
podman import --quiet --change 'ENV PYTHONDONTWRITEBYTECODE=1' --change 'ENV PYTHONUNBUFFERED=1' \
  "$WORK/rootfs.tar" "$TAG" >/dev/null
echo "base image $TAG built"
