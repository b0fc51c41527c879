"""Serves any Gymnasium-style environment to Ratchet's trainer over the environment protocol.

``serve(make_env, num_envs=8, port=50051)`` runs ``num_envs`` copies of ``make_env()`` with
auto-reset; ``ratchet-env-serve gymnasium:CartPole-v1`` does the same for a registered id.
"""

from ratchet_env.server import PROTOCOL_VERSION, serve, start
from ratchet_env.vec import VecEnvironment

__all__ = ["PROTOCOL_VERSION", "VecEnvironment", "serve", "start"]
