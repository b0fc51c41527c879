#!/usr/bin/env bash
# Builds the trainer and operator images with podman, offline, from the jars the Maven build
# left: the commands CI runs (the e2e tests call this script).
#   images/build.sh [TAG]           (default dev)
# BASE selects the base image: unset, the local Debian base (built first if missing, see
# build-base.sh); set it to a public image (e.g. docker.io/library/eclipse-temurin:17-jre) where a
# registry is reachable.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TAG="${1:-dev}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/images/containers.conf}"
if [ -z "${BASE:-}" ]; then
  BASE=localhost/ratchet-base:bookworm-jre17
  "$ROOT/images/build-base.sh" "$BASE"
  PULL=--pull=never
else
  PULL=--pull=missing
fi
ls "$ROOT"/trainer-image/target/ratchet-trainer-*-all.jar >/dev/null 2>&1 \
  || { echo "build the trainer first: ./mvnw -B -pl trainer-image -am package -DskipTests" >&2; exit 2; }
[ -f "$ROOT/operator/target/quarkus-app/quarkus-run.jar" ] \
  || { echo "build the operator first: ./mvnw -B -pl operator -am package -DskipTests" >&2; exit 2; }
start=$(date +%s)
podman build --quiet $PULL --network none --build-arg BASE="$BASE" \
  -f "$ROOT/trainer-image/Containerfile" -t "localhost/ratchet-trainer:$TAG" \
  "$ROOT/trainer-image/target" >/dev/null
echo "image localhost/ratchet-trainer:$TAG built"
podman build --quiet $PULL --network none --build-arg BASE="$BASE" \
  -f "$ROOT/operator/Containerfile" -t "localhost/ratchet-operator:$TAG" \
  "$ROOT/operator/target/quarkus-app" >/dev/null
echo "image localhost/ratchet-operator:$TAG built"
echo "images built in $(( $(date +%s) - start )) s"
