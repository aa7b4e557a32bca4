"""The ticket layout is pure and fits the paper."""

from __future__ import annotations

from dataclasses import replace

import pytest

from printer.layout import (
    Align,
    Cut,
    QrCode,
    TextLine,
    clean_text,
    laid_out_text,
    layout_ticket,
    sample_content,
    text_columns,
    wrap,
)
from printer.profile import load_printer_profile, printer_profile_ids


@pytest.mark.parametrize("pid", printer_profile_ids())
def test_ticket_has_everything_and_fits(pid: str) -> None:
    profile = load_printer_profile(pid)
    content = sample_content()
    items = layout_ticket(content, profile)
    assert items == layout_ticket(content, profile)  # pure
    text = "\n".join(laid_out_text(items))
    for part in ("示例市政务服务中心", "A001", "您前面还有 12 人等候", "预计等候约 25 分钟"):
        assert part in text
    assert "取号时间：2026-11-21 09:30:05" in text
    assert "请留意叫号及大屏显示，" in text and "过号请重新取号" in text
    assert QrCode(content.qr_payload) in items
    assert isinstance(items[-1], Cut)
    number = next(i for i in items if isinstance(i, TextLine) and i.text == "A001")
    assert number.bold and number.width_scale >= 3 and number.align is Align.CENTER
    for item in items:
        if isinstance(item, TextLine):
            assert text_columns(item.text) * item.width_scale <= profile.columns, item


def test_no_wait_estimate_line_when_unknown() -> None:
    content = replace(sample_content(), estimated_wait_min=None)
    text = laid_out_text(layout_ticket(content, load_printer_profile("zh-80mm")))
    assert not any("预计" in line for line in text)


def test_wrap_never_loses_a_character_and_respects_punctuation() -> None:
    notice = "请留意叫号及大屏显示，过号请重新取号"
    assert wrap(notice, 32) == ["请留意叫号及大屏显示，", "过号请重新取号"]
    assert wrap(notice, 48) == [notice]
    long = "一二三四五六七八九十。" * 5
    lines = wrap(long, 20)
    assert "".join(lines) == long
    assert all(text_columns(line) <= 20 for line in lines)
    assert not any(line.startswith("。") for line in lines)
    assert wrap("", 10) == [""]


def test_clean_text_turns_line_breaks_into_spaces() -> None:
    assert clean_text("办税\n服务\t 大厅\r\n") == "办税 服务 大厅"
    assert clean_text("全角\u3000空格") == "全角\u3000空格"


def test_long_number_gets_smaller() -> None:
    profile = load_printer_profile("zh-58mm")
    content = replace(sample_content(), number="VIP-A-00123")
    items = layout_ticket(content, profile)
    number = next(i for i in items if isinstance(i, TextLine) and "VIP" in i.text)
    assert number.width_scale == 2


@pytest.mark.parametrize("pid", printer_profile_ids())
def test_an_english_priority_ticket_is_bilingual_and_marked(pid: str) -> None:
    profile = load_printer_profile(pid)
    content = replace(sample_content(), mark="优先", english=True,
                      hall_name_en="Sample City Service Centre", zone_name_en="Hall 1",
                      service_name_en="Tax: invoices")
    text = "\n".join(laid_out_text(layout_ticket(content, profile)))
    for part in ("示例市政务服务中心", "Sample City Service Centre", "办税服务", "Tax: invoices",
                 "您前面还有 12 人等候", "12 people ahead of you", "预计等候约 25 分钟",
                 "Expected wait: about 25 min", "Listen for your number"):
        assert part in text, part
    assert "优先" in text and "Priority" in text and "★" in text
    for item in layout_ticket(content, profile):
        if isinstance(item, TextLine):
            assert text_columns(item.text) * item.width_scale <= profile.columns


def test_a_chinese_ticket_stays_chinese_and_zero_wait_says_no_wait() -> None:
    profile = load_printer_profile("zh-80mm")
    content = replace(sample_content(), people_ahead=0, estimated_wait_min=0, mark="预约")
    text = "\n".join(laid_out_text(layout_ticket(content, profile)))
    assert "无需等候" in text and "约 0 分钟" not in text and "您前面没有人等候" in text
    assert "预约号" in text and "Booking" not in text and "Listen" not in text


def test_the_wait_prints_as_a_range_or_as_not_estimable() -> None:
    profile = load_printer_profile("zh-80mm")
    content = replace(sample_content(), estimated_wait_min=18, wait_range_min=(15, 25),
                      english=True)
    text = "\n".join(laid_out_text(layout_ticket(content, profile)))
    assert "预计等候约 15–25 分钟" in text and "Expected wait: about 15–25 min" in text
    unknown = replace(sample_content(), estimated_wait_min=0, wait_range_min=None,
                      wait_known=False)
    text = "\n".join(laid_out_text(layout_ticket(unknown, profile)))
    assert "暂无法估计" in text and "约 0" not in text and "无需等候" not in text
