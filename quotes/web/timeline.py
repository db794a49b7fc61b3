"""The timelines of `quotes serve`, drawn as inline SVG on the server: one row per outlet, each
statement at its publication date on a shared time axis, undated ones in a band at the right.
Nothing is fetched and no script runs. Pure: strings in, markup out (no Datasette, no database);
``parse_published`` reads ``articles.published`` as the dates the axis needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from markupsafe import Markup, escape

DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")


def parse_published(value: str | None) -> datetime | None:
    """``articles.published`` (text, as given) as a naive UTC datetime, or None when it reads as no date:
    ISO 8601, RFC 2822 (feeds) or a written-out date ("January 11, 2025")."""
    if not value or not value.strip():
        return None
    text = value.strip()
    parsers = [lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")), parsedate_to_datetime]
    parsers += [lambda t, f=f: datetime.strptime(t, f) for f in DATE_FORMATS]
    for parse in parsers:
        try:
            when = parse(text)
            # (year 9999 at -05:00 or year 1 at +05:00 is out of the calendar once in UTC)
            return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
        except (ValueError, TypeError, IndexError, OverflowError):
            continue
    return None


PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#332288"]  # Okabe-Ito+
NO_KEY_COLOUR = "#8a8a8a"
TYPE_COLOURS = {"direct": "#0072B2", "mixed": "#CC79A7", "indirect": "#009E73"}


def colours_for(keys) -> dict:
    """A colour for each key in order of first appearance (None, "no speaker found", is grey)."""
    out: dict = {}
    for key in keys:
        if key not in out:
            named = [k for k in out if k is not None]
            out[key] = NO_KEY_COLOUR if key is None else PALETTE[len(named) % len(PALETTE)]
    return out


@dataclass
class Mark:
    """One marker on a timeline: a quote, in the row of the outlet that carried it."""

    lane: str
    when: datetime | None
    label: str
    colour: str
    title: str
    href: str | None = None


WIDTH, LANE_H, LABEL_W, AXIS_H, STEP, RADIUS, PAD = 960, 34, 210, 28, 24, 10, 12
MIN_BAND = 110  # the "no date" band, at its narrowest
TICK_STEPS = (*(timedelta(hours=h) for h in (1, 3, 6, 12)), *(timedelta(days=d) for d in (1, 2, 7, 14)))
TICK_MONTHS = (1, 3, 6, 12)  # longer spans: ticks on the first of a month
MAX_TICKS = 5  # intervals on the time axis, at most


def timeline_svg(marks: list[Mark], *, caption: str) -> Markup:
    """Inline SVG: one row per lane (outlet) in order of first appearance, each mark at its date on a
    shared time axis; marks without a date in a "no date" band at the right; marks that would overlap
    in a row are moved apart. Hover shows each mark's title; marks with an href are links."""
    lanes = list(dict.fromkeys(m.lane for m in marks))
    dated, undated = [m for m in marks if m.when is not None], [m for m in marks if m.when is None]
    most = max((sum(m.lane == lane for m in undated) for lane in lanes), default=0)
    band = 0 if not undated else WIDTH - LABEL_W if not dated else max(MIN_BAND, most * STEP + 2 * (RADIUS + PAD))
    width, height = max(WIDTH, LABEL_W + band + (4 * MIN_BAND if dated else 0)), AXIS_H + LANE_H * len(lanes) + 8
    parts = [f'<svg class="q-timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(caption)}"><title>{escape(caption)}</title>']
    parts += [_lane(lane, i, width) for i, lane in enumerate(lanes)]
    xs: dict = {}
    if dated:
        plot = width - band - LABEL_W - 2 * (RADIUS + PAD)
        crowd = min(plot / 2, STEP * (max(sum(m.lane == lane for m in dated) for lane in lanes) - 1))
        xs.update(_time_axis(parts, dated, LABEL_W + RADIUS + PAD, width - band - RADIUS - PAD - crowd, height))
    if undated:
        left = width - band
        parts.append(f'<line x1="{left}" x2="{left}" y1="4" y2="{height}" class="q-band-edge"/>'
                     f'<text x="{left + 8}" y="16" class="q-axis-label">no date</text>')
        for lane in lanes:
            row = [m for m in undated if m.lane == lane]
            xs.update({id(m): left + RADIUS + PAD + k * STEP for k, m in enumerate(row)})
    for i, lane in enumerate(lanes):
        y = AXIS_H + LANE_H * i + LANE_H / 2
        parts += [_marker(m, xs[id(m)], y) for m in _spread([m for m in dated if m.lane == lane], xs)]
        parts += [_marker(m, xs[id(m)], y) for m in undated if m.lane == lane]
    parts.append("</svg>")
    return Markup("".join(parts))


def _lane(lane: str, i: int, width: int) -> str:
    y = AXIS_H + LANE_H * i + LANE_H / 2
    return (f'<line x1="{LABEL_W}" x2="{width}" y1="{y}" y2="{y}" class="q-lane"/>'
            f'<text x="{LABEL_W - 8}" y="{y + 4}" text-anchor="end" class="q-lane-label">'
            f'<title>{escape(lane)}</title>{escape(_clip(lane, 30))}</text>')


def axis_ticks(t0: datetime, t1: datetime) -> list[datetime]:
    """Ticks for a time axis over [t0, t1]: whole hours or days from midnight, or first days of months,
    at most ``MAX_TICKS`` intervals; the first at or before t0 and the last at or after t1 (so even a
    single date sits inside the axis)."""
    span, day = max(t1 - t0, timedelta(hours=1)), datetime(t0.year, t0.month, t0.day)
    for step in TICK_STEPS:
        if span / step <= MAX_TICKS:
            start = day + ((t0 - day) // step) * step
            return [start + k * step for k in range(max(1, -(-(t1 - start) // step)) + 1)]
    months = (t1.year - t0.year) * 12 + t1.month - t0.month + 1
    step = next((m for m in TICK_MONTHS if months / m <= MAX_TICKS), 12 * -(-months // (12 * MAX_TICKS)))
    month = (t0.year * 12 + t0.month - 1) // step * step  # months since year 0, a multiple of the step
    ticks = [datetime(month // 12, month % 12 + 1, 1)]
    while ticks[-1] < t1 or len(ticks) < 2:
        month += step
        ticks.append(datetime(month // 12, month % 12 + 1, 1))
    return ticks


def _time_axis(parts: list, dated: list[Mark], x0: float, x1: float, height: float) -> dict:
    """Draw the time axis; the x of each dated mark."""
    ticks = axis_ticks(min(m.when for m in dated), max(m.when for m in dated))
    gap = ticks[1] - ticks[0]
    fmt = "%d %b %H:%M" if gap < timedelta(days=1) else "%Y-%m-%d" if gap < timedelta(days=28) else "%b %Y"
    first, span = ticks[0], (ticks[-1] - ticks[0]).total_seconds()

    def x(when: datetime) -> float:
        return x0 + (x1 - x0) * (when - first).total_seconds() / span

    for k, tick in enumerate(ticks):
        anchor = "start" if k == 0 else "end" if k == len(ticks) - 1 else "middle"
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{AXIS_H - 6}" y2="{height}" class="q-tick"/>'
                     f'<text x="{x(tick):.1f}" y="16" text-anchor="{anchor}" class="q-axis-label">'
                     f'{tick.strftime(fmt)}</text>')
    return {id(m): x(m.when) for m in dated}


def _spread(marks: list[Mark], xs: dict) -> list[Mark]:
    """The marks of one row by x, each at least STEP right of the one before (same-day versions)."""
    marks = sorted(marks, key=lambda m: xs[id(m)])
    for before, m in zip(marks, marks[1:]):
        xs[id(m)] = max(xs[id(m)], xs[id(before)] + STEP)
    return marks


def _marker(m: Mark, x: float, y: float) -> str:
    ink = "#000" if _light(m.colour) else "#fff"
    body = (f'<g class="q-mark"><title>{escape(m.title)}</title>'
            f'<circle cx="{x:.1f}" cy="{y}" r="{RADIUS}" fill="{m.colour}"/>'
            f'<text x="{x:.1f}" y="{y + 4}" text-anchor="middle" fill="{ink}">{escape(m.label)}</text></g>')
    return f'<a href="{escape(m.href)}">{body}</a>' if m.href else body


def _light(colour: str) -> bool:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b > 150


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
