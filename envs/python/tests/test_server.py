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


def _trajectory(client, group, seeds, steps):
    """Observations and rewards of ``steps`` steps of always-left, from a seeded Reset of ``group``."""
    n = len(seeds)
    seen = [client.floats(client.reset(env_pb2.ResetRequest(seeds=seeds, group=group)).observations, n)]
    for _ in range(steps):
        r = client.step(env_pb2.StepRequest(actions=[0] * n, group=group))
        seen.append(client.floats(r.observations, n))
    return np.stack(seen)


def test_describe_advertises_groups_of_copies(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 2)
    assert client.describe(env_pb2.DescribeRequest(protocol_version=1)).supports_groups


def test_stepping_an_evaluation_group_leaves_the_training_copies_as_they_were(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 4)
    seeds = [5, 6, 7, 8]
    # the training copies alone, 30 steps
    alone = _trajectory(client, "", seeds, 30)
    # again, with an evaluation group of 3 copies reset and stepped between every training step
    client.reset(env_pb2.ResetRequest(seeds=seeds))
    mixed = [alone[0]]
    client.reset(env_pb2.ResetRequest(seeds=[1, 2, 3], group="evaluation"))
    for _ in range(30):
        g = client.step(env_pb2.StepRequest(actions=[1, 1, 1], group="evaluation"))
        assert client.floats(g.observations, 3).shape == (3, 4) and len(g.rewards) == 3
        r = client.step(env_pb2.StepRequest(actions=[0] * 4))
        mixed.append(client.floats(r.observations, 4))
    np.testing.assert_array_equal(np.stack(mixed), alone)


def test_stepping_the_training_copies_leaves_an_evaluation_group_as_it_was(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 2)
    client.reset(env_pb2.ResetRequest(seeds=[1, 2]))
    alone = _trajectory(client, "evaluation", [11, 12, 13], 30)
    n = 3
    mixed = [client.floats(client.reset(env_pb2.ResetRequest(seeds=[11, 12, 13], group="evaluation")).observations, n)]
    for _ in range(30):
        client.step(env_pb2.StepRequest(actions=[1, 1]))
        r = client.step(env_pb2.StepRequest(actions=[0] * n, group="evaluation"))
        mixed.append(client.floats(r.observations, n))
    np.testing.assert_array_equal(np.stack(mixed), alone)


def test_a_group_reset_with_the_same_seeds_replays_the_same_episodes(serve_copies):
    client, vec = serve_copies(lambda: gymnasium.make("CartPole-v1"), 2)
    # 40 steps of always-left end episodes: the replay covers auto-resets too
    first = _trajectory(client, "evaluation", [21, 22, 23], 40)
    again = _trajectory(client, "evaluation", [21, 22, 23], 40)
    np.testing.assert_array_equal(again, first)
    other = _trajectory(client, "evaluation", [31, 32, 33], 40)
    assert not np.array_equal(other, first)
    # another number of copies makes the group anew, and its first copies replay all the same
    five = _trajectory(client, "evaluation", [21, 22, 23, 24, 25], 40)
    np.testing.assert_array_equal(five[:, :3], first)
    assert vec.group("evaluation").num_envs == 5 and vec.num_envs == 2


def test_a_group_stepped_before_its_reset_is_an_invalid_argument(serve_copies):
    client, _ = serve_copies(lambda: gymnasium.make("CartPole-v1"), 2)
    client.reset(env_pb2.ResetRequest(seeds=[1, 2]))
    with pytest.raises(grpc.RpcError) as e:
        client.step(env_pb2.StepRequest(actions=[0], group="evaluation"))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Step of group 'evaluation' before its Reset" in e.value.details()
    with pytest.raises(grpc.RpcError) as e:
        client.reset(env_pb2.ResetRequest(group="evaluation"))
    assert "Reset of group 'evaluation' needs one seed per copy, got none" in e.value.details()
