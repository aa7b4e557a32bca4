"""The hub's refusals in the plain words a clerk reads on the terminal."""

from __future__ import annotations

REFUSALS: dict[str, str] = {
    "offline": "未连接叫号服务器，请稍候自动重连",
    "connection_lost": "连接中断，这一步是否完成未知，请看屏幕上的状态",
    "timeout": "叫号服务器没有及时回应，请再试一次",
    "forbidden": "本终端没有这个权限",
    "wrong_window": "本终端不属于这个窗口",
    "rate_limited": "操作太频繁，请稍后再试",
    "store_failed": "服务器无法保存，未做任何改动，请联系管理员",
    "internal_error": "服务器出错，未做任何改动，请联系管理员",
    "unknown_service": "没有这个业务",
    "unknown_window": "没有这个窗口",
    "unknown_ticket": "今天没有这个号码",
    "unknown_staff": "工号不在本大厅的人员名单中",
    "window_paused": "窗口暂停中，请先恢复服务",
    "window_not_paused": "窗口没有暂停",
    "window_idle": "当前没有正在办理的号码",
    "recall_limit": "重呼次数已到上限，请按过号",
    "not_skipped": "只有过号的号码才能恢复排队",
    "not_callable": "这个号码正在办理或已办结",
    "service_not_at_window": "本窗口不办理这个号码的业务",
    "same_service": "请选择另一个业务",
    "not_signed_in": "请先签到",
    "already_signed_in": "该工号已在本窗口签到",
    "not_served_here": "这个号码不是本窗口办理的",
    "already_rated": "这个号码已经评价过",
    "bad_request": "请求有误",
}


def refusal(code: str, message: str = "") -> str:
    """The clerk's words for a refusal ``code`` (the hub's message when it is unknown)."""
    return REFUSALS.get(code) or message or code
