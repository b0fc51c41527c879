"""ratchet-env-serve's TARGET: a Gymnasium id or a factory of one's own."""

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
