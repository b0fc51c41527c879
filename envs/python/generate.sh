#!/usr/bin/env bash
# Regenerates src/ratchet_env/_proto/env_pb2.py from the protocol's one source,
# trainer-image/src/main/proto/ratchet/env/v1/env.proto, with grpcio-tools' protoc.
# The generated module is committed (tests/test_proto.py checks it is current), so installing the
# package needs no code generator.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto_root="$here/../../trainer-image/src/main/proto"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 -m grpc_tools.protoc -I "$proto_root" --python_out="$out" ratchet/env/v1/env.proto
cp "$out/ratchet/env/v1/env_pb2.py" "$here/src/ratchet_env/_proto/env_pb2.py"
