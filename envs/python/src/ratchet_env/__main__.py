"""``python -m ratchet_env``: the same as ``ratchet-env-serve``."""

from ratchet_env.cli import main

main()
