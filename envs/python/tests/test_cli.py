"""ratchet-env-serve's TARGET: a Gymnasium id or a factory of one's own."""

import os
import signal
import subprocess
import sys
import time

import pytest

from ratchet_env.cli import factory


def test_gymnasium_targets_are_made_by_id():
    make, name = factory("gymnasium:Acrobot-v1", {})
    assert name == "gymnasium:Acrobot-v1"
    assert make().action_space.n == 3


def test_module_targets_name_a_factory():
    make, name = factory("tests.test_vec:GoalEnv", {})
    assert name == "tests.test_vec:GoalEnv" and make().action_space.n == 3


def test_a_target_without_a_colon_is_refused_with_the_two_forms():
    with pytest.raises(SystemExit, match="gymnasium:ID or module:callable"):
        factory("CartPole-v1", {})


def test_sigterm_stops_the_server_at_once_even_as_a_containers_pid_1():
    # PID 1 ignores signals it has no handler for; exit code 143 shows the handler ran
    server = subprocess.Popen(
        [sys.executable, "-m", "ratchet_env", "gymnasium:CartPole-v1", "--port", "0", "--num-envs", "1"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert "serving 1 copies" in server.stderr.readline()
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 143
        assert time.monotonic() - started < 5
    finally:
        server.kill()
