"""Hall config loading: the examples, every mistake named by file and key, no token leaks."""

from __future__ import annotations

import hashlib
import logging
from datetime import time
from pathlib import Path

import pytest

from hall.config import (
    FILE_KEY,
    ConfigError,
    ConfigProblem,
    HallConfig,
    Policy,
    Role,
    TimeRange,
    check_config,
    load_config,
    parse_config,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "jiaohao" / "examples"

BASE = """\
[hall]
name = "测试大厅"
public_url = "http://192.168.10.2:8765"

[[zone]]
id = "tax"
name = "办税服务区"

[[service]]
id = "A"
name = "办税"
zone = "tax"
hours = ["13:30-17:30", "08:30-12:00"]

[[service]]
id = "B"
name = "发票"
zone = "tax"

[[window]]
number = 1
services = ["A", "B"]

[[window]]
number = 2
services = [["A", "B"]]

[[device]]
id = "kiosk-1"
role = "kiosk"
token = "kiosk-secret"

[[device]]
id = "caller-1"
role = "caller"
token = "caller-secret"
window = 1

[[device]]
id = "caller-2"
role = "caller"
token = "caller-2-secret"
window = 2
"""

SHA_OF_KIOSK_SECRET = hashlib.sha256(b"kiosk-secret").hexdigest()


def edit(old: str, new: str) -> str:
    """BASE with ``old`` replaced by ``new`` (``old`` empty: ``new`` appended)."""
    if not old:
        return BASE + "\n" + new
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


def test_base_is_valid(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    errors, warnings = check_config(path)
    assert errors == [] and warnings == []
    config = load_config(path)
    assert config.source == path
    assert config.service("A") is not None
    assert config.service("A").hours == (  # type: ignore[union-attr]
        TimeRange(time(8, 30), time(12, 0)),
        TimeRange(time(13, 30), time(17, 30)),
    )
    assert config.window(1).tiers == (("A",), ("B",))  # type: ignore[union-attr]
    assert config.window(2).tiers == (("A", "B"),)  # type: ignore[union-attr]
    assert config.window(2).name == "2号窗口"  # type: ignore[union-attr]
    assert config.hall.timezone == "Asia/Shanghai"
    assert config.hall.day_starts == time(6, 0)
    assert config.policy == Policy()


# (case id, old text in BASE, replacement, expected key, fragment of the message)
ERRORS = [
    ("unknown top-level key", "[hall]\n", "colour = 1\n[hall]\n", "colour", "unknown key"),
    (
        "typo in hall",
        'name = "测试大厅"',
        'name = "测试大厅"\nnmae_en = "x"',
        "hall.nmae_en",
        "did you mean 'name_en'",
    ),
    (
        "typo in service",
        'id = "A"\n',
        'id = "A"\ntypical_minute = 3\n',
        "service[0] (A).typical_minute",
        "did you mean 'typical_minutes'",
    ),
    (
        "typo in window",
        "number = 1\n",
        "number = 1\nservice = []\n",
        "window[0] (1号窗口).service",
        "allowed: number, name, zone, services",
    ),
    (
        "typo in device",
        'id = "kiosk-1"\n',
        'id = "kiosk-1"\nwidnow = 1\n',
        "device[0] (kiosk-1).widnow",
        "did you mean 'window'",
    ),
    (
        "typo in zone",
        'id = "tax"\n',
        'id = "tax"\nname_cn = "x"\n',
        "zone[0] (tax).name_cn",
        "unknown",
    ),
    ("typo in queue", "", "[queue]\nrecall = 3\n", "queue.recall", "did you mean 'recall_limit'"),
    (
        "typo in staff",
        "",
        '[[staff]]\nid = "1"\nname = "王"\nzoen = "tax"\n',
        "staff[0] (1).zoen",
        "zone",
    ),
    ("missing hall", '[hall]\nname = "测试大厅"\n', "", "hall", "is required"),
    ("missing hall name", 'name = "测试大厅"\n', 'name_en = "Test"\n', "hall.name", "is required"),
    ("empty hall name", 'name = "测试大厅"\n', 'name = " "\n', "hall.name", "must not be empty"),
    (
        "hall name not a string",
        'name = "测试大厅"\n',
        "name = 5\n",
        "hall.name",
        "must be a string",
    ),
    ("unknown timezone", "", "", "hall.timezone", "unknown time zone 'Asia/Beijing'"),
    ("malformed day_starts", "", "", "hall.day_starts", 'must be "HH:MM"'),
    ("day_starts out of range", "", "", "hall.day_starts", "'25:00'"),
    (
        "zone written as a table",
        '[[zone]]\nid = "tax"\nname = "办税服务区"\n',
        '[zone]\nid = "tax"\nname = "办税服务区"\n',
        "zone",
        "[[zone]]",
    ),
    ("zone without a name", 'name = "办税服务区"\n', "", "zone[0] (tax).name", "is required"),
    (
        "duplicate zone id",
        "",
        '[[zone]]\nid = "tax"\nname = "又一个"\n',
        "zone[1] (tax).id",
        "duplicate zone id 'tax' (also zone[0] (tax))",
    ),
    ("service id lowercase", 'id = "A"\n', 'id = "a"\n', "service[0] (a).id", "uppercase"),
    ("service id too long", 'id = "B"\n', 'id = "BCD"\n', "service[1] (BCD).id", "1-2 uppercase"),
    (
        "duplicate service id",
        'id = "B"\n',
        'id = "A"\n',
        "service[1] (A).id",
        "duplicate service id 'A' (also service[0] (A))",
    ),
    ("service without zone", 'zone = "tax"\nhours', "hours", "service[0] (A).zone", "is required"),
    (
        "service in unknown zone",
        'name = "发票"\nzone = "tax"',
        'name = "发票"\nzone = "taxes"',
        "service[1] (B).zone",
        "unknown zone 'taxes' (zones: tax)",
    ),
    (
        "daily_cap as a string",
        'id = "B"\n',
        'id = "B"\ndaily_cap = "300"\n',
        "service[1] (B).daily_cap",
        "must be an integer, not a string",
    ),
    (
        "daily_cap zero",
        'id = "B"\n',
        'id = "B"\ndaily_cap = 0\n',
        "service[1] (B).daily_cap",
        "at least 1",
    ),
    (
        "overlapping hours",
        '"13:30-17:30", "08:30-12:00"',
        '"08:30-12:00", "11:30-17:30"',
        "service[0] (A).hours[1]",
        "11:30-17:30 overlaps 08:30-12:00",
    ),
    (
        "malformed hours",
        '"13:30-17:30", "08:30-12:00"',
        '"08:30-12", "13:30-17:30"',
        "service[0] (A).hours[0]",
        'must be "HH:MM-HH:MM"',
    ),
    (
        "hours ending before they start",
        '"13:30-17:30", "08:30-12:00"',
        '"12:00-08:30"',
        "service[0] (A).hours[0]",
        "ends before it starts",
    ),
    (
        "hours not a list",
        '["13:30-17:30", "08:30-12:00"]',
        '"08:30-12:00"',
        "service[0] (A).hours",
        "must be a list",
    ),
    (
        "hours entry not a string",
        '"13:30-17:30", "08:30-12:00"',
        '"08:30-12:00", 1330',
        "service[0] (A).hours[1]",
        "not an integer",
    ),
    (
        "overlapping slot caps",
        'id = "B"\n',
        'id = "B"\nslot_caps = { "08:00-10:00" = 5, "09:00-11:00" = 5 }\n',
        'service[1] (B).slot_caps."09:00-11:00"',
        "overlaps 08:00-10:00",
    ),
    (
        "slot cap zero",
        'id = "B"\n',
        'id = "B"\nslot_caps = { "08:00-10:00" = 0 }\n',
        'service[1] (B).slot_caps."08:00-10:00"',
        "at least 1",
    ),
    (
        "malformed slot",
        'id = "B"\n',
        'id = "B"\nslot_caps = { "morning" = 5 }\n',
        'service[1] (B).slot_caps."morning"',
        'must be "HH:MM-HH:MM"',
    ),
    (
        "typical_minutes zero",
        'id = "B"\n',
        'id = "B"\ntypical_minutes = 0\n',
        "service[1] (B).typical_minutes",
        "above 0",
    ),
    (
        "window serving an unknown service",
        'services = ["A", "B"]',
        'services = ["A", "Z"]',
        "window[0] (1号窗口).services[1]",
        "unknown service 'Z' (services: A, B)",
    ),
    (
        "unknown service inside a tier",
        'services = [["A", "B"]]',
        'services = [["A", "B", "C"]]',
        "window[1] (2号窗口).services[0][2]",
        "unknown service 'C'",
    ),
    (
        "service twice in one window",
        'services = ["A", "B"]',
        'services = ["A", ["B", "A"]]',
        "window[0] (1号窗口).services[1][1]",
        "'A' is already listed at window[0] (1号窗口).services[0]",
    ),
    (
        "window with no services",
        'services = ["A", "B"]',
        "services = []",
        "window[0] (1号窗口).services",
        "at least one service",
    ),
    (
        "window without services key",
        'services = ["A", "B"]\n',
        "",
        "window[0] (1号窗口).services",
        "is required",
    ),
    (
        "window number as a string",
        "number = 1\n",
        'number = "1"\n',
        "window[0].number",
        "must be an integer, not a string",
    ),
    (
        "window number zero",
        "number = 2\n",
        "number = 0\n",
        "window[1] (0号窗口).number",
        "at least 1",
    ),
    (
        "duplicate window number",
        "number = 2\n",
        "number = 1\n",
        "window[1] (1号窗口).number",
        "duplicate window number 1 (also window[0] (1号窗口))",
    ),
    (
        "window in unknown zone",
        "number = 2\n",
        'number = 2\nzone = "lobby"\n',
        "window[1] (2号窗口).zone",
        "unknown zone 'lobby'",
    ),
    (
        "named window",
        "number = 2\n",
        'number = 2\nname = "综合窗口"\nzone = "lobby"\n',
        "window[1] (综合窗口).zone",
        "unknown zone",
    ),
    (
        "caller without a window",
        'token = "caller-secret"\nwindow = 1\n',
        'token = "caller-secret"\n',
        "device[1] (caller-1).window",
        "is required for a caller",
    ),
    (
        "caller with an unknown window",
        'token = "caller-secret"\nwindow = 1\n',
        'token = "caller-secret"\nwindow = 7\n',
        "device[1] (caller-1).window",
        "no window number 7 (windows: 1, 2)",
    ),
    (
        "caller window as a string",
        'token = "caller-secret"\nwindow = 1\n',
        'token = "caller-secret"\nwindow = "1"\n',
        "device[1] (caller-1).window",
        "must be an integer",
    ),
    (
        "kiosk with a window",
        'token = "kiosk-secret"\n',
        'token = "kiosk-secret"\nwindow = 1\n',
        "device[0] (kiosk-1).window",
        "only caller devices belong to a window",
    ),
    (
        "unknown role",
        'role = "kiosk"',
        'role = "printer"',
        "device[0] (kiosk-1).role",
        "must be one of kiosk, caller, display, admin",
    ),
    ("missing role", 'role = "kiosk"\n', "", "device[0] (kiosk-1).role", "is required"),
    (
        "device without any token",
        'token = "kiosk-secret"\n',
        "",
        "device[0] (kiosk-1)",
        "needs token or token_sha256",
    ),
    ("empty token", 'token = "kiosk-secret"', 'token = ""', "device[0] (kiosk-1).token", "empty"),
    (
        "duplicate device id",
        'id = "caller-2"',
        'id = "caller-1"',
        "device[2] (caller-1).id",
        "duplicate device id 'caller-1' (also device[1] (caller-1))",
    ),
    (
        "duplicate plain token",
        'token = "caller-2-secret"',
        'token = "caller-secret"',
        "device[2] (caller-2).token",
        "same token as device[1] (caller-1)",
    ),
    (
        "hashed token equal to another's plain token",
        'token = "caller-2-secret"',
        f'token_sha256 = "{SHA_OF_KIOSK_SECRET.upper()}"',
        "device[2] (caller-2).token_sha256",
        "same token as device[0] (kiosk-1)",
    ),
    (
        "two equal hashed tokens",
        "",
        f'[[device]]\nid = "d1"\nrole = "display"\ntoken_sha256 = "{"ab" * 32}"\n'
        f'[[device]]\nid = "d2"\nrole = "display"\ntoken_sha256 = "{"AB" * 32}"\n',
        "device[4] (d2).token_sha256",
        "same token as device[3] (d1)",
    ),
    (
        "malformed token_sha256",
        'token = "kiosk-secret"',
        'token_sha256 = "abc"',
        "device[0] (kiosk-1).token_sha256",
        "64 hexadecimal characters",
    ),
    (
        "token and token_sha256 disagree",
        'token = "kiosk-secret"',
        f'token = "kiosk-secret"\ntoken_sha256 = "{"0" * 64}"',
        "device[0] (kiosk-1).token_sha256",
        "is not the SHA-256 of token",
    ),
    (
        "duplicate staff id",
        "",
        '[[staff]]\nid = "1001"\nname = "王"\n[[staff]]\nid = "1001"\nname = "李"\n',
        "staff[1] (1001).id",
        "duplicate staff id '1001' (also staff[0] (1001))",
    ),
    (
        "staff number not quoted",
        "",
        '[[staff]]\nid = 1001\nname = "王"\n',
        "staff[0].id",
        "write the staff number in quotes",
    ),
    (
        "staff in unknown zone",
        "",
        '[[staff]]\nid = "1001"\nname = "王"\nzone = "nope"\n',
        "staff[0] (1001).zone",
        "unknown zone 'nope'",
    ),
    (
        "negative recall_limit",
        "",
        "[queue]\nrecall_limit = -1\n",
        "queue.recall_limit",
        "at least 0",
    ),
    (
        "recall_limit as float",
        "",
        "[queue]\nrecall_limit = 2.5\n",
        "queue.recall_limit",
        "a number",
    ),
    (
        "priority_ratio zero",
        "",
        '[queue]\npriority_ratio = "0:1"\n',
        "queue.priority_ratio",
        '"P:N"',
    ),
    (
        "priority_ratio garbage",
        "",
        '[queue]\npriority_ratio = "2/1"\n',
        "queue.priority_ratio",
        "2/1",
    ),
    (
        "priority_ratio as a number",
        "",
        "[queue]\npriority_ratio = 2\n",
        "queue.priority_ratio",
        "not an integer",
    ),
    (
        "estimate_sample zero",
        "",
        "[queue]\nestimate_sample = 0\n",
        "queue.estimate_sample",
        "at least 1",
    ),
    (
        "require_sign_in as a string",
        "",
        '[queue]\nrequire_sign_in = "yes"\n',
        "queue.require_sign_in",
        "true or false",
    ),
    (
        "booking_memory_days zero",
        "",
        "[queue]\nbooking_memory_days = 0\n",
        "queue.booking_memory_days",
        "at least 1",
    ),
    (
        "rating_points of four",
        "",
        "[queue]\nrating_points = [10, 8, 6, 3]\n",
        "queue.rating_points",
        "5 integers",
    ),
    ("no services", "", "", "service", "at least one [[service]]"),
    ("no windows", "", "", "window", "at least one [[window]]"),
]

# Cases whose text cannot be made by one replacement in BASE.
SPECIAL = {
    "unknown timezone": BASE.replace(
        'name = "测试大厅"', 'name = "测试大厅"\ntimezone = "Asia/Beijing"'
    ),
    "malformed day_starts": BASE.replace(
        'name = "测试大厅"', 'name = "测试大厅"\nday_starts = "6am"'
    ),
    "day_starts out of range": BASE.replace(
        'name = "测试大厅"', 'name = "测试大厅"\nday_starts = "25:00"'
    ),
    "no services": '[hall]\nname = "x"\n[[zone]]\nid = "z"\nname = "z"\n'
    '[[window]]\nnumber = 1\nservices = ["A"]\n',
    "no windows": '[hall]\nname = "x"\n[[zone]]\nid = "z"\nname = "z"\n'
    '[[service]]\nid = "A"\nname = "a"\nzone = "z"\n',
}


@pytest.mark.parametrize(
    ("case", "old", "new", "key", "fragment"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_each_mistake_names_file_and_key(
    tmp_path: Path, case: str, old: str, new: str, key: str, fragment: str
) -> None:
    text = SPECIAL.get(case) or edit(old, new)
    path = write(tmp_path, text)
    problems = problems_of(path)
    matching = [p for p in problems if p.key == key]
    assert matching, f"no problem at {key!r}; got:\n" + "\n".join(map(str, problems))
    assert any(fragment in p.message for p in matching), "\n".join(map(str, matching))
    assert all(p.file == str(path) for p in problems)
    # check_config reports the same without raising
    errors, _ = check_config(path)
    assert errors == problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        edit('services = ["A", "B"]', 'services = ["A", "Z"]')
        .replace('"13:30-17:30", "08:30-12:00"', '"08:30-12:00", "11:00-13:00"')
        .replace('token = "caller-secret"\nwindow = 1\n', 'token = "caller-secret"\n')
        .replace('id = "caller-2"', 'id = "kiosk-1"')
        .replace('name = "测试大厅"', 'name = "测试大厅"\nday_starts = "6:0"')
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    keys = [p.key for p in info.value.problems]
    assert keys == [
        "hall.day_starts",
        "service[0] (A).hours[1]",
        "window[0] (1号窗口).services[1]",
        "device[1] (caller-1).window",
        "device[2] (kiosk-1).id",
    ]
    lines = str(info.value).splitlines()
    assert lines == [str(p) for p in info.value.problems]
    assert lines[0].startswith(f"{path}: hall.day_starts: ")


def test_problem_text_format() -> None:
    problem = ConfigProblem("hall.toml", "service[3] (B).hours[1]", "overlaps")
    assert str(problem) == "hall.toml: service[3] (B).hours[1]: overlaps"
    assert isinstance(ConfigError([problem]), ValueError)


def test_not_toml_reports_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[hall]\nname = "x"\nzone = [\n  "a" "b"\n]\n')
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert problem.key == "line 4, column 7"
    assert problem.message.startswith("not valid TOML: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    (problem,) = problems_of(path)
    assert (problem.file, problem.key) == (str(path), FILE_KEY)
    assert "cannot read" in problem.message
    assert check_config(path) == ([problem], [])


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes('[hall]\nname = "东乡"\n'.encode("gbk"))
    (problem,) = problems_of(path)
    assert problem.key == FILE_KEY and "UTF-8" in problem.message


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_config(path).hall.name == "测试大厅"


def test_parse_config_names_its_source() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config("[hall]\n", "inline")
    assert str(info.value).startswith("inline: hall.name: is required")
    assert parse_config(BASE).source is None


# (case id, old, new, warning key, fragment)
WARNINGS = [
    (
        "service no window serves",
        'services = ["A", "B"]\n\n[[window]]\nnumber = 2\nservices = [["A", "B"]]',
        'services = ["A"]\n\n[[window]]\nnumber = 2\nservices = ["A"]',
        "service[1] (B)",
        "no window serves this service",
    ),
    (
        "slot outside the service hours",
        'hours = ["13:30-17:30", "08:30-12:00"]',
        'hours = ["13:30-17:30", "08:30-12:00"]\nslot_caps = { "12:00-14:00" = 5 }',
        'service[0] (A).slot_caps."12:00-14:00"',
        "not within the service hours (08:30-12:00, 13:30-17:30)",
    ),
    (
        "window without a caller",
        'role = "caller"\ntoken = "caller-2-secret"\nwindow = 2',
        'role = "display"\ntoken = "caller-2-secret"',
        "window[1] (2号窗口)",
        "no caller device",
    ),
    (
        "zone nothing belongs to",
        "",
        '[[zone]]\nid = "empty"\nname = "空"\n',
        "zone[1] (empty)",
        "no service, window or staff",
    ),
]


@pytest.mark.parametrize(
    ("case", "old", "new", "key", "fragment"), WARNINGS, ids=[w[0] for w in WARNINGS]
)
def test_warnings_are_returned_and_logged(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    case: str,
    old: str,
    new: str,
    key: str,
    fragment: str,
) -> None:
    path = write(tmp_path, edit(old, new))
    errors, warnings = check_config(path)
    assert errors == []
    assert [(w.file, w.key) for w in warnings] == [(str(path), key)]
    assert fragment in warnings[0].message
    with caplog.at_level(logging.WARNING, logger="hall.config"):
        load_config(path)
    assert [r.getMessage() for r in caplog.records] == [str(warnings[0])]


def test_slot_within_touching_hours_is_no_warning(tmp_path: Path) -> None:
    text = edit('"13:30-17:30", "08:30-12:00"', '"08:30-10:00", "10:00-12:00"').replace(
        'zone = "tax"\nhours', 'zone = "tax"\nslot_caps = { "09:00-11:00" = 5 }\nhours', 1
    )
    errors, warnings = check_config(write(tmp_path, text))
    assert (errors, warnings) == ([], [])


def test_queue_policy_and_hall_settings_are_read() -> None:
    config = parse_config(
        BASE.replace(
            'name = "测试大厅"',
            'name = "测试大厅"\nname_en = "Test hall"\n'
            'timezone = "Asia/Urumqi"\nday_starts = "04:30"',
        )
        + '[queue]\nrecall_limit = 0\npriority_ratio = " 3 : 2 "\nestimate_sample = 7\n'
        "require_sign_in = true\nbooking_memory_days = 90\nrating_points = [10, 8, 6, 3, 0]\n"
    )
    assert config.hall.name_en == "Test hall"
    assert config.hall.timezone == "Asia/Urumqi"
    assert config.hall.day_starts == time(4, 30)
    assert config.policy == Policy(
        recall_limit=0,
        priority_ratio=(3, 2),
        estimate_sample=7,
        require_sign_in=True,
        booking_memory_days=90,
        rating_points=(10, 8, 6, 3, 0),
    )


def test_toml_local_time_for_day_starts() -> None:
    config = parse_config(
        BASE.replace('name = "测试大厅"', 'name = "测试大厅"\nday_starts = 05:00:00')
    )
    assert config.hall.day_starts == time(5, 0)


DESIGN_EXAMPLE = """
[hall]
name = "东乡区政务服务中心"
timezone = "Asia/Shanghai"
day_starts = "06:00"

[[zone]]
id = "tax"
name = "办税服务区"

[[service]]
id = "A"
name = "办税服务"
name_en = "Tax"
zone = "tax"
daily_cap = 300
hours = ["08:30-12:00", "13:30-17:30"]

[[window]]
number = 3
name = "3号窗口"
services = ["A", "B"]

[[service]]
id = "B"
name = "发票"
zone = "tax"

[[device]]
id = "caller-3"
role = "caller"
token = "change-me"
window = 3
"""


def test_design_example_loads() -> None:
    """The public-contract names as the project's design example writes them (the
    device as a caller).
    Its token is a placeholder, which only a hall marked as a demo may keep."""
    with pytest.raises(ConfigError, match="weak or a placeholder"):
        parse_config(DESIGN_EXAMPLE)
    config = parse_config(DESIGN_EXAMPLE.replace("[hall]\n", "[hall]\ndemo = true\n", 1))
    assert config.service("A").daily_cap == 300  # type: ignore[union-attr]
    assert config.window(3).services == ("A", "B")  # type: ignore[union-attr]
    assert config.device("caller-3").window == 3  # type: ignore[union-attr]


# -- the shipped examples -------------------------------------------------------------


@pytest.fixture(scope="module")
def dongxiang() -> HallConfig:
    return load_config(EXAMPLES / "dongxiang.toml")


@pytest.fixture(scope="module")
def village() -> HallConfig:
    return load_config(EXAMPLES / "village.toml")


@pytest.mark.parametrize("name", ["dongxiang.toml", "village.toml"])
def test_examples_have_no_errors_or_warnings(name: str) -> None:
    assert check_config(EXAMPLES / name) == ([], [])


def test_dongxiang_size(dongxiang: HallConfig) -> None:
    assert len(dongxiang.zones) == 9
    assert len(dongxiang.services) >= 25
    assert len(dongxiang.windows) >= 60
    comprehensive = [w for w in dongxiang.windows if len(w.services) >= 3]
    single = [w for w in dongxiang.windows if len(w.services) == 1]
    assert len(comprehensive) > len(dongxiang.windows) / 2
    assert 1 <= len(single) <= 10
    assert any(len(tier) > 1 for w in dongxiang.windows for tier in w.tiers)
    assert any(s.slot_caps for s in dongxiang.services)
    assert any(s.daily_cap for s in dongxiang.services)
    assert any(len(s.hours) == 2 for s in dongxiang.services)
    roles = [d.role for d in dongxiang.devices]
    assert roles.count(Role.CALLER) == len(dongxiang.windows)
    assert roles.count(Role.KIOSK) >= 3 and roles.count(Role.DISPLAY) >= 3
    assert roles.count(Role.ADMIN) == 1
    assert dongxiang.staff
    assert {z.name for z in dongxiang.zones} >= {"办税服务区", "公安服务区", "交警服务区"}


def test_village_size(village: HallConfig) -> None:
    assert len(village.windows) == 1
    assert len(village.services) >= 3
    assert sorted(d.role.value for d in village.devices) == ["admin", "caller", "display", "kiosk"]


def _walk(value: object, path: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [(path, value)]
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((f"{path}.{k}", k))
            out.extend(_walk(v, f"{path}.{k}"))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            out.extend(_walk(v, f"{path}[{i}]"))
    return out


@pytest.mark.parametrize("name", ["dongxiang.toml", "village.toml"])
def test_public_view_has_no_tokens(name: str) -> None:
    config = load_config(EXAMPLES / name)
    secrets = {d.token for d in config.devices if d.token}
    secrets |= {d.token_sha256 for d in config.devices if d.token_sha256}
    assert secrets
    for where, item in _walk(config.public()):
        if isinstance(item, str):
            assert "token" not in item, where
            assert not any(s in item for s in secrets), where


def test_sha256_only_device_accepts_its_token(dongxiang: HallConfig) -> None:
    admin = dongxiang.device("admin")
    assert admin is not None and admin.token == "" and len(admin.token_sha256) == 64
    assert admin.accepts("admin-change-me")
    assert not admin.accepts("admin-change-me ")
    assert not admin.accepts(admin.token_sha256)


def test_uppercase_digest_is_accepted() -> None:
    digest = hashlib.sha256(b"s3cret").hexdigest().upper()
    config = parse_config(edit('token = "kiosk-secret"', f'token_sha256 = "{digest}"'))
    assert config.device("kiosk-1").accepts("s3cret")  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["dongxiang.toml", "village.toml"])
def test_public_hall_round_trips(name: str) -> None:
    """What a client rebuilds from welcome.hall is the hall minus devices and secrets."""
    config = load_config(EXAMPLES / name)
    seen = HallConfig.from_public(config.public())
    assert seen.public() == config.public()
    assert seen.devices == ()
    assert [w.tiers for w in seen.windows] == [w.tiers for w in config.windows]
    assert [s.hours for s in seen.services] == [s.hours for s in config.services]


@pytest.mark.parametrize("url", ["ftp://hall", "hall.lan:8765", "http://", "http://h/?x=1", 7])
def test_public_url_must_be_a_web_address(tmp_path: Path, url: object) -> None:
    text = BASE.replace('public_url = "http://192.168.10.2:8765"', f"public_url = {url!r}"
                        .replace("'", '"'))
    problems = problems_of(write(tmp_path, text))
    assert [p.key for p in problems] == ["hall.public_url"]


def test_public_url_missing_is_a_warning(tmp_path: Path) -> None:
    text = BASE.replace('public_url = "http://192.168.10.2:8765"\n', "")
    errors, warnings = check_config(write(tmp_path, text))
    assert errors == [] and [w.key for w in warnings] == ["hall.public_url"]


def test_public_hall_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="not a public hall"):
        HallConfig.from_public({"zones": "x"})
