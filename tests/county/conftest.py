"""A real PostgreSQL for the county tests: one cluster for the session (Debian's server
binaries, tests/county/pg.py), a fresh county database for each test."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from county import schema
from hall.config import CountyLink
from tests.county.pg import Cluster, server_bin

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg() -> Iterator[Cluster]:
    bindir = server_bin()
    if bindir is None:
        pytest.skip("PostgreSQL's server binaries are not installed (Debian: postgresql; "
                    "system-packages.txt lists it)")
    cluster = Cluster(bindir)
    cluster.start()
    previous = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(cluster.passfile)
    cluster.passfile.touch(mode=0o600)
    try:
        yield cluster
    finally:
        if previous is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = previous
        cluster.destroy()


@dataclass
class County:
    """One county database: its owner's URL and the halls registered in it."""

    cluster: Cluster
    name: str
    owner_url: str
    links: dict[str, CountyLink] = field(default_factory=dict)

    def add_hall(self, hall_id: str, **link: object) -> CountyLink:
        """Register ``hall_id``; its link logs in as the hall's own role over TCP."""
        role, password = schema.add_hall(self.owner_url, hall_id, name=f"{hall_id}大厅")
        if password is not None:
            self.cluster.remember_password(role, password)
        made = CountyLink(self.cluster.url(role, self.name), hall_id, **link)  # type: ignore[arg-type]
        self.links[hall_id] = made
        return made

    def reader_url(self) -> str:
        role = "county_reader"
        password = schema.add_reader(self.owner_url, role)
        if password is not None:
            self.cluster.remember_password(role, password)
        return self.cluster.url(role, self.name)

    def query(self, text: str, *args: object) -> list[tuple[object, ...]]:
        with psycopg.connect(self.owner_url) as conn:
            return list(conn.execute(text, args).fetchall())  # type: ignore[arg-type]


@pytest.fixture
def county(pg: Cluster) -> Iterator[County]:
    if not pg.running():
        pg.start()  # a test that stopped it and failed before starting it again
    name = f"county_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg.superuser_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    owner = pg.superuser_url(name)
    schema.init(owner)
    yield County(pg, name, owner)
    if not pg.running():
        pg.start()
    with psycopg.connect(pg.superuser_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
