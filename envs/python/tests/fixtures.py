"""Environments that misbehave on purpose, for the trainer's failure tests (served by
``ratchet-env-serve tests.fixtures:NAME`` with envs/python on PYTHONPATH)."""

import os
import time

import gymnasium
import numpy as np


class ImageObservations(gymnasium.Env):
    """Atari-like: 84×84 RGB observations, which the trainer refuses (it needs a flat vector)."""

    observation_space = gymnasium.spaces.Box(0, 255, (84, 84, 3), np.uint8)
    action_space = gymnasium.spaces.Discrete(4)

    def reset(self, seed=None, options=None):
        return np.zeros((84, 84, 3), np.uint8), {}

    def step(self, action):
        return np.zeros((84, 84, 3), np.uint8), 0.0, False, False, {}


_steps = [0]


class CrashAfter(gymnasium.Env):
    """A flat CartPole-like environment whose process dies after ``steps`` steps of all copies."""

    observation_space = gymnasium.spaces.Box(-1, 1, (4,), np.float32)
    action_space = gymnasium.spaces.Discrete(2)

    def __init__(self, steps=20):
        self.steps = steps

    def reset(self, seed=None, options=None):
        return np.zeros(4, np.float32), {}

    def step(self, action):
        _steps[0] += 1
        if _steps[0] > self.steps:
            os._exit(3)  # a simulator's segfault: no goodbye
        return np.zeros(4, np.float32), 1.0, False, False, {}


class SlowStep(CrashAfter):
    """Answers steps after the first ``steps`` only after ``seconds``: a stuck simulator."""

    def __init__(self, steps=10, seconds=5.0):
        super().__init__(steps)
        self.seconds = seconds

    def step(self, action):
        _steps[0] += 1
        if _steps[0] > self.steps:
            time.sleep(self.seconds)
        return np.zeros(4, np.float32), 1.0, False, False, {}


class CartPoleCrashingOnce(gymnasium.Wrapper):
    """Gymnasium's CartPole-v1 whose server dies once, after ``steps`` steps of all copies: the
    first server to get there leaves ``marker`` behind, so the restarted one trains on."""

    def __init__(self, marker, steps=5000):
        super().__init__(gymnasium.make("CartPole-v1"))
        self.marker = marker
        self.steps = steps

    def step(self, action):
        _steps[0] += 1
        if _steps[0] > self.steps and not os.path.exists(self.marker):
            open(self.marker, "w").close()
            os._exit(3)
        return self.env.step(action)


def cartpole_without_groups():
    """Gymnasium's CartPole-v1 behind a server that does not advertise groups of copies, as one
    written before them (or by a third party that skipped them) answers Describe."""
    from ratchet_env import vec

    if not getattr(vec.VecEnvironment.describe, "without_groups", False):
        plain = vec.VecEnvironment.describe

        def describe(self):
            d = plain(self)
            d.ClearField("supports_groups")
            return d

        describe.without_groups = True
        vec.VecEnvironment.describe = describe
    return gymnasium.make("CartPole-v1")
