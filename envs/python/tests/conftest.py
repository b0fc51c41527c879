"""Helpers shared by the tests: a client of the protocol as the trainer speaks it."""

import grpc
import numpy as np
import pytest

from ratchet_env._proto import env_pb2
from ratchet_env.server import SERVICE


class Client:
    """The three calls, over a real channel to a served port."""

    def __init__(self, port: int) -> None:
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")

        def call(name, request_type, response_type):
            return self.channel.unary_unary(
                f"/{SERVICE}/{name}",
                request_serializer=request_type.SerializeToString,
                response_deserializer=response_type.FromString,
            )

        self.describe = call("Describe", env_pb2.DescribeRequest, env_pb2.DescribeResponse)
        self.reset = call("Reset", env_pb2.ResetRequest, env_pb2.ResetResponse)
        self.step = call("Step", env_pb2.StepRequest, env_pb2.StepResponse)

    @staticmethod
    def floats(data: bytes, num_envs: int) -> np.ndarray:
        return np.frombuffer(data, dtype="<f4").reshape(num_envs, -1)


@pytest.fixture
def serve_copies():
    """Starts a server on a free port; stops it after the test."""
    from ratchet_env.server import start

    started = []

    def run(make_env, num_envs, **kwargs):
        server, port, vec = start(make_env, num_envs=num_envs, port=0, **kwargs)
        started.append((server, vec))
        return Client(port), vec

    yield run
    for server, vec in started:
        server.stop(grace=None)
        vec.close()
