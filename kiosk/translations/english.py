"""The kiosk's Chinese texts and their English, the source of kiosk_en.ts.

Keys are the exact Chinese texts the window passes to Qt's translator (context
``kiosk``); ``{n}``-style fields are filled after translation.
"""

from __future__ import annotations

from hall.words import ENGLISH as WORDS_ENGLISH
from kiosk.model import (
    BOOKING_ONLY,
    CAP_REACHED,
    CLOSED_HOURS,
    FALLBACK_REFUSAL,
    NOT_SERVED,
    PRINTER_PROBLEMS,
    REFUSALS,
    SLOT_FULL,
    ZONE_ALL_CLOSED,
    ZONE_MOSTLY_CLOSED,
)
from kiosk.presenter import (
    BAD_BOOKING_TEXT,
    BAD_ID_TEXT,
    NEVER_REACHED_TEXT,
    NO_SALT_TEXT,
    NOT_PRINTED_TEXT,
    PAUSED_TEXT,
    UNSETTLED_TEXT,
    UNSETTLED_TITLE,
)

_REFUSALS_EN = {
    "offline": "Ticketing paused: connecting to the queue system, please wait",
    "connection_lost": "The network dropped; please try again, or ask at the service desk",
    "timeout": "The queue system did not answer; please try again",
    "outside_hours": "This service issues no tickets at this time",
    "daily_cap_reached": "All of today's tickets for this service are taken; "
                         "please come back tomorrow or ask at the service desk",
    "slot_cap_reached": "All tickets of this time slot are taken; please come back later",
    "booking_only": "This service takes bookings only now; please book first or check in "
                    "your booking code",
    "booking_used": "This booking code has already been checked in",
    "unknown_service": "This service is not available; please ask at the service desk",
    "already_taken": "You already have a ticket for this service today",
    "not_waiting": "This number was already called or served; it cannot be reprinted",
    "unknown_ticket": "This ticket was not found",
    "no_lost_ticket": "This ID card has no waiting ticket today",
    "rate_limited": "Too fast; please try again in a moment",
    "request_expired": "The queue system answered too late; no ticket was issued. "
                       "Please take a number again",
}
_PRINTER_EN = {
    "paper_out": "The printer is out of paper; please get a ticket at the service desk",
    "cover_open": "The printer cover is open; please get a ticket at the service desk",
    "offline": "The printer is offline; please get a ticket at the service desk",
    "unreachable": "The printer cannot be reached; please get a ticket at the service desk",
    "printer_error": "The printer has a fault; please get a ticket at the service desk",
    "disconnected": "The printer connection broke; please get a ticket at the service desk",
    "no_font": "The printer cannot print Chinese; please get a ticket at the service desk",
}

ENGLISH: dict[str, str] = {
    PAUSED_TEXT: "Ticketing paused: connecting to the queue system; it resumes by itself",
    NOT_PRINTED_TEXT: "The ticket did not print. Note the number or scan the QR code with "
                      "your phone, or touch \u201cReprint ticket\u201d.",
    BAD_ID_TEXT: "The ID card could not be read; please place it on the reader again",
    NO_SALT_TEXT: "This kiosk does not read ID cards; please ask at the service desk",
    "取号机": "Ticket kiosk",
    FALLBACK_REFUSAL: "No ticket can be issued now; please ask at the service desk",
    "其他业务": "Other services",
    "长辈模式": "Senior mode",
    "退出长辈模式": "Leave senior mode",
    "字号": "Text size",
    "请点击屏幕开始取号": "Touch the screen to take a number",
    "请选择办理区域": "Choose an area",
    "等候 {n} 人": "{n} waiting",
    "优先取号\n老年人、残疾人、孕妇、军人等":
        "Priority ticket\nSeniors, disabled people,\npregnant women, service members",
    "预约签到": "Booking check-in",
    "输入或扫描预约码": "Type or scan\nyour booking code",
    "预约码 {code}：请选择预约的业务": "Booking {code}: choose the booked service",
    "优先取号：请选择业务": "Priority ticket: choose a service",
    "已读取身份证：请选择业务": "ID card read: choose a service",
    "请选择业务": "Choose a service",
    "预约码 {code}：请选择办理区域": "Booking {code}: choose the area",
    "优先取号：请选择办理区域": "Priority ticket: choose the area",
    "已读取身份证：请选择办理区域": "ID card read: choose the area",
    "等候 {n} 人 · 约 {m} 分钟": "{n} waiting · about {m} min",
    "暂不可取：{why}": "Not available: {why}",  # an English colon, not the Chinese one
    CAP_REACHED: "all of today's tickets are taken",
    NOT_SERVED: "not served today",
    CLOSED_HOURS: "no tickets now (tickets {hours})",
    SLOT_FULL: "this time slot is full ({hours})",
    BOOKING_ONLY: "bookings only ({hours})",
    ZONE_ALL_CLOSED: "No service here issues tickets now",
    ZONE_MOSTLY_CLOSED: "Only {k} of {n} services issue tickets now",
    NEVER_REACHED_TEXT: "Ticketing paused: this kiosk has not reached the queue system yet; "
                        "please ask at the service desk",
    "上一页": "Previous",
    "下一页": "Next",
    "第 {i}/{n} 页": "Page {i} of {n}",
    "{n} 秒后返回首页": "Back to start in {n} s",
    "前面没有人等候": "Nobody is ahead of you",
    "预计等候": "Expected wait:",
    "返回首页": "Back to start",
    "请输入预约码，或把预约二维码对准扫描口": "Type your booking code, or hold its QR code "
                                          "to the scanner",
    "删除": "Delete",
    "确定": "OK",
    "正在取号，请稍候……": "Issuing your ticket, please wait…",
    "您的号码": "Your number",
    "前面还有 {n} 人": "Ahead of you: {n}",
    "预计等候约 {m} 分钟": "Estimated wait: about {m} min",
    "手机扫码查看排队进度": "Scan to follow the queue on your phone",
    "正在打印号票……": "Printing your ticket…",
    "请取走您的号票": "Please take your ticket",
    "打印纸即将用完": "Printer paper is running low",
    "补打号票": "Reprint ticket",
    "补打丢失的号票": "Reprint a lost ticket",
    "完成，返回首页": "Done, back to start",
    "没有出号": "No ticket was issued",
    UNSETTLED_TITLE: "Your ticket was not completed",
    UNSETTLED_TEXT: "The queue system did not answer in time, so this number is void. "
                    "Please take a number again, or ask at the service desk",
    "需要更多时间吗？": "Do you need more time?",
    "需要，继续": "Yes, continue",
    BAD_BOOKING_TEXT: "That booking code is not valid; please check it",
    "打印机无法使用，请到服务台取号": "The printer cannot be used; please get a ticket at "
                                  "the service desk",
    "打印失败": "Printing failed",
    "打印机故障": "Printer fault",
    "打印机缺纸": "The printer is out of paper",
    "打印机盖未关好": "The printer cover is open",
    "打印机离线": "The printer is offline",
    "打印机无法连接": "The printer cannot be reached",
    "打印机连接中断": "The printer connection broke",
    "打印机无法打印中文": "The printer cannot print Chinese",
    **WORDS_ENGLISH,  # the waits and marks every citizen-facing part says (hall/words.py)
    **{REFUSALS[code]: en for code, en in _REFUSALS_EN.items()},
    **{PRINTER_PROBLEMS[k][1]: en for k, en in _PRINTER_EN.items()},
}
