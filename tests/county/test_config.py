"""`[county]` in the hall config: a password in it is refused like a weak token."""

from __future__ import annotations

import pytest

from hall.config import ConfigError, parse_config
from tests.hall.test_config import BASE


def county(body: str) -> str:
    return BASE + "\n[county]\n" + body


def test_a_link_is_read() -> None:
    config = parse_config(county('url = "postgresql://hall_dx@county.gov/county?sslmode='
                                 'verify-full"\nhall_id = "dongxiang"\nbatch = 500\n'))
    assert config.county.enabled and config.county.hall_id == "dongxiang"
    assert config.county.batch == 500 and config.county.interval_s == 2.0
    assert not parse_config(BASE).county.enabled


@pytest.mark.parametrize("url", [
    "postgresql://hall_dx:s3cret@county.gov/county",
    "postgresql://hall_dx@county.gov/county?password=s3cret",
])
def test_a_password_in_the_hall_file_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(county(f'url = "{url}"\nhall_id = "dongxiang"\n'), "hall.toml")
    text = str(caught.value)
    assert "county.url" in text and "must not hold a password" in text and "PGPASSFILE" in text
    assert "s3cret" not in text


@pytest.mark.parametrize(("body", "key"), [
    ('url = "mysql://x@y/z"\nhall_id = "a"', "county.url"),
    ('url = "postgresql://x@y/z"\nhall_id = "东乡"', "county.hall_id"),
    ('url = "postgresql://x@y/z"', "county.hall_id"),
    ('url = "postgresql://x@y/z"\nhall_id = "a"\nbatch = 0', "county.batch"),
    ('url = "postgresql://x@y/z"\nhall_id = "a"\nshipper = 1', "county.shipper"),
])
def test_mistakes_name_their_key(body: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_config(county(body + "\n"), "hall.toml")
