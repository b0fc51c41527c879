#!/usr/bin/env bash
# Builds the local base image (Debian 12 + a Java 17 runtime) from Debian's mirror with
# mmdebstrap, for machines that reach no container registry. Users with a registry need none of
# this: the Containerfiles default to a public base.
#   images/build-base.sh [TAG]      (default localhost/ratchet-base:bookworm-jre17)
set -euo pipefail
TAG="${1:-localhost/ratchet-base:bookworm-jre17}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}"
if podman image exists "$TAG"; then
  echo "base image $TAG exists"
  exit 0
fi
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "building $TAG from $MIRROR (about 30 s)"
# essential + the JRE; no man pages, docs or locales. openjdk's postinst registers its man page
# with update-alternatives, which fails unless the man1 directory exists.
mmdebstrap --quiet --variant=essential --include=openjdk-17-jre-headless,passwd \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
  bookworm "$WORK/rootfs.tar" "$MIRROR"
podman import --quiet --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  "$WORK/rootfs.tar" "$TAG" >/dev/null
echo "base image $TAG built"
