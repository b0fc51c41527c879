"""``ratchet-env-serve TARGET``: serves a Gymnasium id or a factory of the user's own environment.

TARGET is ``gymnasium:ID`` (``gymnasium.make(ID)``, e.g. ``gymnasium:CartPole-v1``) or
``module:callable`` (a function or class that builds one copy, e.g. ``mysim.env:make``).
The port and the number of copies default to RATCHET_ENV_PORT and RATCHET_ENV_NUM_ENVS, which
Ratchet sets for the server it starts, so a TrainingRun's command needs neither.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
from typing import Any, Callable

from ratchet_env.server import serve


def factory(target: str, kwargs: dict) -> tuple[Callable[[], Any], str]:
    """The function that builds one copy of TARGET, and the name to show for it."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise SystemExit(
            f"ratchet-env-serve: TARGET must be gymnasium:ID or module:callable, got {target!r}"
        )
    if module_name in ("gymnasium", "gym"):
        import gymnasium

        return (lambda: gymnasium.make(attr, **kwargs)), f"gymnasium:{attr}"
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise SystemExit(f"ratchet-env-serve: cannot import {module_name} for {target}: {e}")
    make = getattr(module, attr, None)
    if make is None or not callable(make):
        raise SystemExit(f"ratchet-env-serve: {module_name} has no callable {attr}")
    return (lambda: make(**kwargs)), target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="ratchet-env-serve",
        description="Serve copies of an environment to Ratchet's trainer (protocol ratchet.env.v1).",
    )
    parser.add_argument("target", help="gymnasium:ID or module:callable")
    parser.add_argument(
        "--num-envs", type=int, default=int(os.environ.get("RATCHET_ENV_NUM_ENVS", "8")),
        help="copies stepped together (default: RATCHET_ENV_NUM_ENVS, else 8)",
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("RATCHET_ENV_PORT", "50051")),
        help="port to listen on (default: RATCHET_ENV_PORT, else 50051; 0 takes a free one)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--success", default="info", choices=["info", "truncated", "terminated"],
        help="when an episode reached the goal: info['success'] or info['is_success'] (default), "
        "cut off by the time limit (CartPole), or terminated",
    )
    parser.add_argument(
        "--env-kwargs", default="{}", help="JSON object of keyword arguments for the factory"
    )
    args = parser.parse_args(argv)
    try:
        kwargs = json.loads(args.env_kwargs)
    except json.JSONDecodeError as e:
        raise SystemExit(f"ratchet-env-serve: --env-kwargs is not JSON: {e}")
    make, name = factory(args.target, kwargs)
    # As a container's main process (PID 1) the server has no default SIGTERM action: without a
    # handler a kubelet's stop would wait out the grace period and then SIGKILL it.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        serve(make, num_envs=args.num_envs, port=args.port, host=args.host, success=args.success, name=name)
    except KeyboardInterrupt:
        pass
    except OSError as e:
        print(f"ratchet-env-serve: {e}", file=sys.stderr)
        raise SystemExit(1)


def _terminated(signum: int, frame: Any) -> None:
    """Stops serving (serve's cleanup runs) and exits as a process killed by the signal would."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    main()
