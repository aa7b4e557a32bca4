"""The client tests run against a real hub: the hub tests' fixtures, shared."""

from tests.hub.conftest import config, db_path, hub  # noqa: F401
