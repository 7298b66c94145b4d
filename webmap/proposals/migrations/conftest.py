"""Keep pytest's --doctest-modules from importing Alembic's scripts, which only Alembic can run."""

collect_ignore_glob = ["*.py"]
