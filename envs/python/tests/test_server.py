"""The server over a real port, called as the trainer calls it."""

import grpc
import gymnasium
import numpy as np
import pytest

from ratchet_env._proto import env_pb2


def test_a_client_describes_resets_and_steps_cartpole_over_grpc(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 4, name="gymnasium:CartPole-v1")
    d = client.describe(env_pb2.DescribeRequest(protocol_version=1))
    assert (d.protocol_version, d.num_envs, d.environment) == (1, 4, "gymnasium:CartPole-v1")
    obs = client.floats(client.reset(env_pb2.ResetRequest(seeds=[1, 2, 3, 4])).observations, 4)
    assert obs.shape == (4, 4) and np.all(np.abs(obs) <= 0.05)
    ended = []
    for _ in range(40):
        r = client.step(env_pb2.StepRequest(actions=[0, 0, 0, 0]))
        assert list(r.rewards) == [1.0] * 4 and len(r.terminated) == len(r.truncated) == 4
        ended += list(r.episodes)
    assert ended and all(e.length == e.score and not e.HasField("success") for e in ended)


def test_another_protocol_version_is_refused_with_both_versions_named(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 1)
    with pytest.raises(grpc.RpcError) as e:
        client.describe(env_pb2.DescribeRequest(protocol_version=2))
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "speaks protocol version 1, the client asked for 2" in e.value.details()


def test_a_wrong_batch_is_an_invalid_argument(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 2)
    client.reset(env_pb2.ResetRequest(seeds=[1, 2]))
    with pytest.raises(grpc.RpcError) as e:
        client.step(env_pb2.StepRequest(actions=[0, 0, 0]))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Step has 3 actions for 2 copies" in e.value.details()


class Exploding(gymnasium.Env):
    observation_space = gymnasium.spaces.Box(-1, 1, (1,), np.float32)
    action_space = gymnasium.spaces.Discrete(2)

    def reset(self, seed=None, options=None):
        return np.zeros(1, np.float32), {}

    def step(self, action):
        raise ValueError("the simulator lost its mesh")


def test_the_environment_s_own_exception_reaches_the_client_in_one_line(serve_copies):
    client, _ = serve_copies(Exploding, 1)
    client.reset(env_pb2.ResetRequest(seeds=[1]))
    with pytest.raises(grpc.RpcError) as e:
        client.step(env_pb2.StepRequest(actions=[1]))
    assert e.value.code() == grpc.StatusCode.INTERNAL
    assert e.value.details() == "the environment raised in step: ValueError: the simulator lost its mesh"
