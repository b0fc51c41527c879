"""The copies: auto-reset, episode ends, success rules, seeds and the description of spaces."""

import gymnasium
import numpy as np
import pytest

from ratchet_env.vec import ProtocolError, VecEnvironment, describe_space, unsupported


def cartpole():
    return gymnasium.make("CartPole-v1")


def test_cartpole_is_described_as_a_flat_box_and_two_discrete_actions():
    vec = VecEnvironment(cartpole, 2)
    d = vec.describe()
    assert d.num_envs == 2
    assert (d.observation_space.kind, list(d.observation_space.shape), d.observation_space.dtype) == (
        "Box",
        [4],
        "float32",
    )
    assert (d.action_space.kind, d.action_space.n) == ("Discrete", 2)
    assert unsupported(d.observation_space, d.action_space) is None


def test_image_observations_and_continuous_actions_are_described_so_they_can_be_refused():
    obs = describe_space(gymnasium.spaces.Box(0, 255, (84, 84, 3), np.uint8))
    act = describe_space(gymnasium.spaces.Box(-1, 1, (2,), np.float32))
    why = unsupported(obs, act)
    assert "Box of shape [84, 84, 3]" in why
    assert "actions must be Discrete, the environment has Box of shape [2]" in why


def test_a_finished_episode_is_reported_once_and_its_copy_starts_over():
    vec = VecEnvironment(cartpole, 3)
    vec.reset([1, 2, 3])
    ended = []
    steps = 0
    while len(ended) < 5:
        _, rewards, terminated, truncated, episodes = vec.step([0, 0, 0])
        steps += 1
        assert rewards.tolist() == [1.0, 1.0, 1.0]
        assert sorted(e.env for e in episodes) == [i for i in range(3) if terminated[i] or truncated[i]]
        ended.extend(episodes)
    # always pushing left topples the pole within a few dozen steps
    assert all(8 <= e.length <= 60 and e.score == e.length == e.total_reward for e in ended)
    assert all(e.success is None for e in ended)


def test_the_same_seeds_and_actions_give_the_same_observations():
    def trajectory():
        vec = VecEnvironment(cartpole, 2)
        rows = [vec.reset([7, 8]).copy()]
        for t in range(100):
            rows.append(vec.step([t % 2, (t // 3) % 2])[0].copy())
        return np.stack(rows)

    assert np.array_equal(trajectory(), trajectory())


def test_success_can_mean_still_up_when_the_time_limit_cut_the_episode_off():
    vec = VecEnvironment(lambda: gymnasium.make("CartPole-v1", max_episode_steps=5), 1, success="truncated")
    vec.reset([0])
    episodes = []
    for _ in range(5):
        episodes += vec.step([1 if len(episodes) % 2 else 0])[4]
    assert [(e.length, e.success) for e in episodes] == [(5, True)]


class GoalEnv:
    """A plain object, no gymnasium.Env: reaches its goal (info['is_success']) at step 3."""

    observation_space = gymnasium.spaces.Box(-1, 1, (2,), np.float64)
    action_space = gymnasium.spaces.Discrete(3, start=1)

    def reset(self, seed=None):
        self.t = 0
        return np.zeros(2), {}

    def step(self, action):
        assert action in (1, 2, 3), "the server adds the space's start"
        self.t += 1
        return np.full(2, self.t), 0.5, self.t == 3, False, {"is_success": True, "score": 42}


def test_any_object_with_the_gymnasium_surface_works_and_reports_its_own_score_and_success():
    vec = VecEnvironment(GoalEnv, 1)
    assert vec.observation_space.dtype == "float64"
    vec.reset([])
    episodes = []
    for _ in range(3):
        obs, _, _, _, ended = vec.step([0])
        episodes += ended
    assert [(e.score, e.total_reward, e.length, e.success) for e in episodes] == [(42.0, 1.5, 3, True)]
    assert obs.dtype == np.float32 and obs.tolist() == [[0.0, 0.0]], "reset after the episode"


def test_calls_that_break_the_protocol_say_what_was_wrong():
    vec = VecEnvironment(cartpole, 2)
    with pytest.raises(ProtocolError, match="Step before Reset"):
        vec.step([0, 0])
    vec.reset([1, 2])
    with pytest.raises(ProtocolError, match="Step has 1 actions for 2 copies"):
        vec.step([0])
    with pytest.raises(ProtocolError, match=r"action 2 of copy 1 is outside 0\.\.1"):
        vec.step([0, 2])


@pytest.mark.parametrize("env_id,obs,actions", [("CartPole-v1", 4, 2), ("Acrobot-v1", 6, 3), ("MountainCar-v0", 2, 3)])
def test_every_classic_control_environment_with_discrete_actions_is_trainable(env_id, obs, actions):
    vec = VecEnvironment(lambda: gymnasium.make(env_id), 2)
    d = vec.describe()
    assert unsupported(d.observation_space, d.action_space) is None
    assert (list(d.observation_space.shape), d.action_space.n) == ([obs], actions)
    vec.reset([1, 2])
    for t in range(300):
        out, *_ = vec.step([t % actions, (t + 1) % actions])
    assert out.shape == (2, obs) and out.dtype == np.float32


def test_continuous_classic_control_is_described_as_such():
    vec = VecEnvironment(lambda: gymnasium.make("MountainCarContinuous-v0"), 1)
    assert "actions must be Discrete, the environment has Box of shape [1]" in unsupported(
        vec.observation_space, vec.action_space
    )
