"""Fixtures for the ledger tests: the hub tests' small hall, clock and real hub (some
ledger tests check what a hub restart keeps)."""

from tests.hub.conftest import client, clock, config, db_path, hub

__all__ = ["client", "clock", "config", "db_path", "hub"]
