#!/usr/bin/env bash
# Builds the trainer and operator images with podman, offline, from the jars the Maven build
# left, and the environment server's image (envs/python with Gymnasium, ratchet-env-gymnasium):
# the commands CI runs (the e2e tests call this script).
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
  PYTHON_BASE=localhost/ratchet-python-base:bookworm
  "$ROOT/images/build-python-base.sh" "$PYTHON_BASE"
  PULL=--pull=never
else
  PYTHON_BASE="${PYTHON_BASE:-docker.io/library/python:3.11-slim-bookworm}"
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
# The environment image's Python packages, installed here for the base's Python 3.11 from pip's
# configured indexes (this machine kind's are local; --retries 0 gives up at once on an
# unreachable one). Reinstalled only when envs/python changed, so podman reuses the layer.
python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || { echo "python3 must be 3.11, the images' Python, to install their packages" >&2; exit 2; }
ENV_CONTEXT="$ROOT/envs/python/target/image"
ENV_PINS="gymnasium==1.3.0"
stamp="$( (cd "$ROOT/envs/python" && find pyproject.toml src -type f -not -path '*__pycache__*' -not -path '*.egg-info*' \
  | sort | xargs sha256sum; echo "$ENV_PINS") | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$ENV_CONTEXT/stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$ENV_CONTEXT"
  # built from a copy: pip builds in the source folder and would leave build/ and egg-info there
  mkdir -p "$ENV_CONTEXT/source"
  (cd "$ROOT/envs/python" && cp -r pyproject.toml README.md src "$ENV_CONTEXT/source/")
  python3 -m pip install -q --disable-pip-version-check --retries 0 \
    --target "$ENV_CONTEXT/site-packages" "$ENV_CONTEXT/source" $ENV_PINS 2>&1 \
    | grep -v -e "Running pip as the 'root' user" -e "is ignored: it is neither a file" || true
  [ -d "$ENV_CONTEXT/site-packages/ratchet_env" ] || { echo "pip install failed" >&2; exit 1; }
  # launchers for this machine's Python, and the copy
  rm -rf "$ENV_CONTEXT/site-packages/bin" "$ENV_CONTEXT/source"
  echo "$stamp" > "$ENV_CONTEXT/stamp"
fi
podman build --quiet $PULL --network none --build-arg BASE="$PYTHON_BASE" \
  -f "$ROOT/envs/python/Containerfile" -t "localhost/ratchet-env-gymnasium:$TAG" \
  "$ENV_CONTEXT" >/dev/null
echo "image localhost/ratchet-env-gymnasium:$TAG built"
echo "images built in $(( $(date +%s) - start )) s"
