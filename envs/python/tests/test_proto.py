"""The committed env_pb2.py is what generate.sh makes of the protocol's .proto today."""

import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent.parent
PROTO_ROOT = HERE.parent.parent / "trainer-image" / "src" / "main" / "proto"


def test_the_committed_messages_match_the_proto():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_ROOT}", f"--python_out={out}",
             "ratchet/env/v1/env.proto"],
            check=True,
        )
        fresh = (pathlib.Path(out) / "ratchet" / "env" / "v1" / "env_pb2.py").read_text()
    committed = (HERE / "src" / "ratchet_env" / "_proto" / "env_pb2.py").read_text()
    assert committed == fresh, "env.proto changed: run envs/python/generate.sh and commit env_pb2.py"
