"""N copies of one Gymnasium-style environment stepped together with auto-reset.

Anything with ``reset(seed=...)``, ``step(action)``, ``observation_space`` and ``action_space`` in
Gymnasium's shapes works: a ``gymnasium.Env`` or a plain object of the user's own simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from ratchet_env._proto import env_pb2

#: A rule for an episode's success: "info" (the last step's info["success"] or info["is_success"],
#: when the environment sets one), "truncated" (still going when the time limit cut it off, as for
#: CartPole), "terminated", or a callable (info, terminated, truncated) -> bool.
SuccessRule = Union[str, Callable[[dict, bool, bool], bool], None]


class ProtocolError(ValueError):
    """A call that breaks the protocol (wrong batch size, action out of range, Step before Reset)."""


@dataclass(frozen=True)
class EpisodeEnd:
    """One finished episode of one copy."""

    env: int
    score: float
    length: int
    total_reward: float
    success: Optional[bool]


def describe_space(space: Any) -> env_pb2.Space:
    """The protocol's description of a space, whatever its kind (so a refusal can name it)."""
    kind = type(space).__name__
    described = env_pb2.Space(kind=kind)
    shape = getattr(space, "shape", None)
    if kind != "Discrete" and shape is not None:
        described.shape.extend(int(d) for d in shape)
    dtype = getattr(space, "dtype", None)
    if dtype is not None:
        described.dtype = np.dtype(dtype).name
    n = getattr(space, "n", None)
    if kind == "Discrete" and n is not None:
        described.n = int(n)
    return described


def unsupported(observation: env_pb2.Space, action: env_pb2.Space) -> Optional[str]:
    """Why version 1 of the protocol cannot train these spaces, or None when it can."""
    problems = []
    if observation.kind != "Box" or len(observation.shape) != 1:
        problems.append(
            "observations must be a Box with one dimension, the environment has "
            f"{observation.kind} of shape {list(observation.shape)}"
        )
    if action.kind != "Discrete" or action.n < 1:
        problems.append(
            f"actions must be Discrete, the environment has {action.kind}"
            + (f" of shape {list(action.shape)}" if action.shape else "")
        )
    return "; ".join(problems) or None


class VecEnvironment:
    """``num_envs`` copies made by ``make_env``, stepped as one batch with auto-reset.

    The training copies' VecEnvironment also holds the named groups of further copies (the
    protocol's ``group``), made by the same ``make_env``: the trainer plays evaluation episodes on
    one, and they must never share state with the copies it trains on.
    """

    def __init__(
        self,
        make_env: Callable[[], Any],
        num_envs: int,
        success: SuccessRule = "info",
        name: str = "",
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        if not (success is None or callable(success) or success in ("info", "truncated", "terminated")):
            raise ValueError(f"success must be info, truncated, terminated or a callable, got {success!r}")
        self._make_env = make_env
        self.envs = [make_env() for _ in range(num_envs)]
        self.name = name or type(self.envs[0]).__name__
        self.success = "info" if success is None else success
        first = self.envs[0]
        self.observation_space = describe_space(first.observation_space)
        self.action_space = describe_space(first.action_space)
        self.obs_size = int(np.prod(self.observation_space.shape)) if self.observation_space.shape else 0
        self.action_start = int(getattr(first.action_space, "start", 0))
        self._obs = np.zeros((num_envs, self.obs_size), dtype=np.float32)
        self._returns = np.zeros(num_envs, dtype=np.float64)
        self._lengths = np.zeros(num_envs, dtype=np.int64)
        self._started = False
        self._groups: dict[str, VecEnvironment] = {}

    @property
    def num_envs(self) -> int:
        return len(self.envs)

    def describe(self) -> env_pb2.DescribeResponse:
        return env_pb2.DescribeResponse(
            num_envs=self.num_envs,
            observation_space=self.observation_space,
            action_space=self.action_space,
            environment=self.name,
            reports_success=self.success != "info",
            supports_groups=True,
        )

    def group(self, name: str, num_envs: Optional[int] = None) -> "VecEnvironment":
        """The copies a request addresses: these for the empty name, else the named group.

        With ``num_envs`` (a Reset), a group that does not exist yet or has another number of copies
        is made anew from ``make_env``; without it (a Step), the group must exist.
        """
        if not name:
            return self
        group = self._groups.get(name)
        if num_envs is not None and (group is None or group.num_envs != num_envs):
            if num_envs < 1:
                raise ProtocolError(f"Reset of group {name!r} needs one seed per copy, got none")
            if group is not None:
                group.close()
            group = VecEnvironment(self._make_env, num_envs, success=self.success, name=self.name)
            self._groups[name] = group
        if group is None:
            raise ProtocolError(f"Step of group {name!r} before its Reset: reset the group first")
        return group

    def reset(self, seeds: Sequence[int]) -> np.ndarray:
        """Starts a new episode in every copy, copy i seeded with seeds[i] (unseeded when empty)."""
        if seeds and len(seeds) != self.num_envs:
            raise ProtocolError(f"Reset has {len(seeds)} seeds for {self.num_envs} copies")
        for i, env in enumerate(self.envs):
            obs, _ = env.reset(seed=int(seeds[i]) if seeds else None)
            self._put(i, obs)
        self._returns[:] = 0
        self._lengths[:] = 0
        self._started = True
        return self._obs

    def step(self, actions: Sequence[int]):
        """Steps every copy; returns observations, rewards, terminated, truncated, episodes ended."""
        if not self._started:
            raise ProtocolError("Step before Reset: the trainer resets the copies first")
        if len(actions) != self.num_envs:
            raise ProtocolError(f"Step has {len(actions)} actions for {self.num_envs} copies")
        rewards = np.zeros(self.num_envs, dtype=np.float32)
        terminated = [False] * self.num_envs
        truncated = [False] * self.num_envs
        ended = []
        for i, env in enumerate(self.envs):
            action = int(actions[i])
            if not 0 <= action < self.action_space.n:
                raise ProtocolError(f"action {action} of copy {i} is outside 0..{self.action_space.n - 1}")
            obs, reward, term, trunc, info = env.step(action + self.action_start)
            reward = float(reward)
            rewards[i] = reward
            self._returns[i] += reward
            self._lengths[i] += 1
            terminated[i] = bool(term)
            truncated[i] = bool(trunc)
            if term or trunc:
                info = info or {}
                score = float(info["score"]) if "score" in info else float(self._returns[i])
                ended.append(
                    EpisodeEnd(
                        env=i,
                        score=score,
                        length=int(self._lengths[i]),
                        total_reward=float(self._returns[i]),
                        success=self._success(info, bool(term), bool(trunc)),
                    )
                )
                self._returns[i] = 0
                self._lengths[i] = 0
                obs, _ = env.reset()
            self._put(i, obs)
        return self._obs, rewards, terminated, truncated, ended

    def close(self) -> None:
        for group in self._groups.values():
            group.close()
        self._groups.clear()
        for env in self.envs:
            close = getattr(env, "close", None)
            if close is not None:
                close()

    def _success(self, info: dict, terminated: bool, truncated: bool) -> Optional[bool]:
        rule = self.success
        if callable(rule):
            return bool(rule(info, terminated, truncated))
        if rule == "truncated":
            return truncated and not terminated
        if rule == "terminated":
            return terminated
        for key in ("success", "is_success"):
            if key in info:
                return bool(info[key])
        return None

    def _put(self, i: int, obs: Any) -> None:
        flat = np.asarray(obs, dtype=np.float32).reshape(-1)
        if flat.size != self.obs_size:
            raise ValueError(
                f"copy {i} returned an observation of {flat.size} values, its space says {self.obs_size}"
            )
        self._obs[i] = flat
