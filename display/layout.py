"""Where each part of the wall goes and how big its text is, for any screen size.

Plain Python (no Qt): :func:`plan` turns a width and height in pixels into
rectangles and font sizes, so the widgets only draw and the proportions are tested
without a window. Landscape (wider than tall) puts the newest call on the left and
the recent calls on the right; portrait stacks them.

Readable from across a hall: the newest number's font size (its em) is
:data:`NUMBER_EM_LANDSCAPE` of the screen height in landscape and
:data:`NUMBER_EM_PORTRAIT` in portrait; the digits themselves stand about 0.72 em.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The newest number's font size as a fraction of the screen height.
NUMBER_EM_LANDSCAPE = 0.22
NUMBER_EM_PORTRAIT = 0.115
#: Recent call rows' font size as a fraction of the screen height.
ROW_EM_LANDSCAPE = 0.042
ROW_EM_PORTRAIT = 0.026
#: A recent-call row is this many ems wide ("★A001  12号窗口" with room to spare).
ROW_WIDTH_EM = 8.6


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


@dataclass(frozen=True)
class Plan:
    """Rectangles and font pixel sizes of one screen size."""

    width: int
    height: int
    portrait: bool
    header: Rect
    newest: Rect
    recent: Rect
    status: Rect  # waiting counts, paused windows, device problems
    notice: Rect  # the scrolling notice (zero height when there is none)
    title_px: int  # hall name
    clock_px: int
    label_px: int  # "请" / "正在呼叫" / badges
    number_px: int  # the newest number
    window_px: int  # "到 3号窗口"
    row_px: int  # a recent call row
    row_h: int
    columns: int  # recent call columns
    rows: int  # recent call rows per column
    status_px: int
    waiting_lines: int  # lines of waiting counts in the status strip (one more for problems)
    notice_px: int

    @property
    def recent_capacity(self) -> int:
        return self.columns * self.rows


def _waiting_lines(width: int, px: int, items: int, most: int) -> int:
    """Lines the waiting counts take (at least one, at most ``most``: then smaller text)."""
    columns = max(1, int(width // (px * WAITING_CELL_EM)))
    return max(1, min(most, -(-items // columns)))


def _px(value: float) -> int:
    return max(1, round(value))


#: A waiting-count cell ("不动产登记服务区 等候 26 人  约 15–25 分钟") is about this many
#: ems wide.
WAITING_CELL_EM = 19


def plan(width: int, height: int, notice: bool = True, waiting: int = 9) -> Plan:
    """The layout of a ``width`` × ``height`` screen with ``waiting`` waiting counts
    (zones or services) to show.

    Raises:
        ValueError: a size below 320×240 (no wall screen is that small).
    """
    if width < 320 or height < 240:
        raise ValueError(f"a wall screen of {width}×{height} is too small (at least 320×240)")
    portrait = height > width
    h, w = height, width
    margin = _px(0.012 * min(w, h))
    if portrait:
        status_px = _px(0.021 * h)
        waiting_lines = _waiting_lines(w, status_px, waiting, 5)
        header_h, status_h = _px(0.06 * h), _px(1.5 * status_px * (waiting_lines + 1))
        notice_h = _px(0.045 * h) if notice else 0
        newest_h = _px(0.30 * h)
        header = Rect(0, 0, w, header_h)
        newest = Rect(margin, header_h + margin, w - 2 * margin, newest_h)
        recent_y = newest.bottom + margin
        recent = Rect(margin, recent_y, w - 2 * margin, h - notice_h - status_h - recent_y - margin)
        number_px, row_px = _px(NUMBER_EM_PORTRAIT * h), _px(ROW_EM_PORTRAIT * h)
        title_px, clock_px, label_px = _px(0.028 * h), _px(0.024 * h), _px(0.026 * h)
        window_px, notice_px = _px(0.05 * h), _px(0.024 * h)
    else:
        status_px = _px(0.034 * h)
        waiting_lines = _waiting_lines(w, status_px, waiting, 3)
        header_h, status_h = _px(0.09 * h), _px(1.4 * status_px * (waiting_lines + 1))
        notice_h = _px(0.07 * h) if notice else 0
        header = Rect(0, 0, w, header_h)
        body_y, body_h = header_h + margin, h - header_h - status_h - notice_h - 2 * margin
        newest_w = _px(0.44 * w)
        newest = Rect(margin, body_y, newest_w - margin, body_h)
        recent = Rect(newest.right + 2 * margin, body_y, w - newest.right - 3 * margin, body_h)
        number_px, row_px = _px(NUMBER_EM_LANDSCAPE * h), _px(ROW_EM_LANDSCAPE * h)
        title_px, clock_px, label_px = _px(0.046 * h), _px(0.038 * h), _px(0.045 * h)
        window_px, notice_px = _px(0.09 * h), _px(0.04 * h)
    status = Rect(0, h - notice_h - status_h, w, status_h)
    notice_rect = Rect(0, h - notice_h, w, notice_h)
    row_h = _px(row_px * 1.45)
    # the first row of the recent area is its heading
    rows = max(1, (recent.h - row_h) // row_h)
    columns = max(1, int(recent.w // (row_px * ROW_WIDTH_EM)))
    return Plan(
        width=w, height=h, portrait=portrait, header=header, newest=newest, recent=recent,
        status=status, notice=notice_rect, title_px=title_px, clock_px=clock_px,
        label_px=label_px, number_px=number_px, window_px=window_px, row_px=row_px,
        row_h=row_h, columns=columns, rows=rows, status_px=status_px,
        waiting_lines=waiting_lines, notice_px=notice_px,
    )
