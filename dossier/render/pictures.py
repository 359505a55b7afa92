"""Geometry for the static SVG pictures (co-mention network, timeline, source chain). Markup is in templates.

Positions are rounded to one decimal so the same input always draws the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import dataclass, field
from typing import Any

from dossier.render.translations import ENGLISH, Translations

MAX_NEIGHBOURS = 12


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    r: float
    label: str
    target: Any  # the entity it links to
    detail: str = ""
    is_centre: bool = False


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    label: str


@dataclass
class Picture:
    width: int
    height: int
    title: str
    description: str  # the text alternative: says in words what the picture shows
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    rows: list[TimelineRow] = field(default_factory=list)
    breaks: list[TimelineBreak] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineRow:
    y: float  # the baseline of its date; its label's lines follow, one `LINE` apart
    date: dt.date
    label: str
    kind: str  # "event" or "article"
    is_inference: bool
    target: Any  # entity to link to, or None
    lines: tuple[str, ...] = ()  # the label, wrapped to the picture's width


@dataclass(frozen=True)
class TimelineBreak:
    """Where the time line leaves out a long gap: the axis is broken and says how long."""

    y1: float
    y2: float
    text: str  # "10 months later"


def _round(value: float) -> float:
    return round(value, 1)


def network_picture(
    centre: Any, name: str, mentions: int, neighbours: list[tuple[Any, str, int]], words: Translations = ENGLISH
) -> Picture:
    """The person in the middle, the people named in the same passages around, lines as thick as the count."""
    shown = neighbours[:MAX_NEIGHBOURS]
    width, height, radius = 400, 340, 120.0  # narrow enough that a 390 px phone shows its text at 11 px or more
    cx, cy = width / 2, height / 2
    others = words.gettext(", ").join(f"{label} ({count})" for _, label, count in shown) or words.gettext("nobody")
    picture = Picture(
        width,
        height,
        words.say("People named in the same passages as %(person)s", person=name),
        words.say("%(person)s is named in the same passages as %(others)s; the number is how many passages.",
                  person=name, others=others),
    )  # fmt: skip
    detail = words.say_count("%(num)s mention", "%(num)s mentions", mentions)
    picture.nodes.append(Node(cx, cy, 24.0, name, centre, detail, is_centre=True))
    biggest = max((count for _, _, count in shown), default=1)
    for position, (entity, label, count) in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * position / max(len(shown), 1)
        x, y = _round(cx + radius * math.cos(angle)), _round(cy + radius * math.sin(angle))
        picture.edges.append(Edge(cx, cy, x, y, _round(1 + 5 * count / biggest), f"{count}"))
        picture.nodes.append(Node(x, y, _round(10 + 8 * math.sqrt(count / biggest)), label, entity, f"{count}"))
    return picture


# The timeline is drawn narrow, one column of dated entries, so that on a 390 px phone it is shown at about its
# own size (its text stays 12-13 px) and no label needs cutting: long labels wrap.
TIMELINE_WIDTH = 350
TIMELINE_TEXT_X = 30
LINE = 17  # between lines of a label (13 px text)
WRAP = 44  # characters per label line: 13 px text in the width beside the axis
PX_PER_DAY = 2.0  # the time scale, up to...
LONGEST_SCALED_GAP = 30  # ... days; a longer gap is a break in the axis, taller than any scaled gap
BREAK_HEIGHT = 84.0


def _time_between(days: int, words: Translations) -> str:
    if days >= 60:
        return words.say_count("%(num)s month later", "%(num)s months later", round(days / 30.44))
    return words.say_count("%(num)s week later", "%(num)s weeks later", round(days / 7))


def timeline_picture(
    title: str, rows: list[tuple[dt.date, str, str, bool, Any]], words: Translations = ENGLISH
) -> Picture:
    """Dated entries down a time line. The space between two dates follows a time scale (two days are closer than
    two weeks); a gap longer than a month is drawn as a break that says how long it is, instead of a page of
    empty axis."""
    ordered = sorted(rows, key=lambda row: (row[0], row[2] != "event", row[1]))
    picture = Picture(TIMELINE_WIDTH, 0, title, "")
    y, previous = 20.0, None
    for date, label, kind, is_inference, target in ordered:
        if previous is not None:
            days = (date - previous).days
            if days > LONGEST_SCALED_GAP:
                picture.breaks.append(TimelineBreak(_round(y), _round(y + BREAK_HEIGHT), _time_between(days, words)))
                y += BREAK_HEIGHT
            else:
                y += PX_PER_DAY * days
        shown = words.say("%(event)s (the editor's inference)", event=label) if is_inference else label
        lines = tuple(textwrap.wrap(shown, WRAP, break_long_words=True)) or ("",)
        picture.rows.append(TimelineRow(_round(y + 12), date, label, kind, is_inference, target, lines))
        y += 12 + LINE * len(lines) + 14  # the date line, the label, room before the next entry
        previous = date
    picture.height = int(y + 6)
    picture.description = "; ".join(f"{row.date.isoformat()}: {' '.join(row.lines)}" for row in picture.rows)
    return picture


CHAIN_BOX = (170.0, 44.0)  # a box's width and height
CHAIN_PER_ROW = 2  # boxes side by side: the picture stays under 390 px wide, so a phone shows it at about its size


def chain_picture(title: str, columns: list[list[tuple[str, Any]]]) -> Picture:
    """Boxes top to bottom, each step feeding the next: the source, what it came through, who reported it. A step
    with more boxes than fit side by side takes several rows."""
    box_width, box_height = CHAIN_BOX
    gap, step_gap = 20.0, 34.0
    widest = min(max((len(column) for column in columns), default=1), CHAIN_PER_ROW)
    width = int(widest * (box_width + gap) - gap + 20)
    picture = Picture(width, 0, title, "")
    previous: list[Node] = []
    y = 10.0
    for column in columns:
        current = []
        for start in range(0, len(column), CHAIN_PER_ROW):
            row = column[start : start + CHAIN_PER_ROW]
            left = (width - len(row) * (box_width + gap) + gap) / 2
            for index, (label, target) in enumerate(row):
                current.append(Node(_round(left + index * (box_width + gap)), _round(y), box_height, label, target))
            y += box_height + 12
        for above in previous:
            for below in current:
                picture.edges.append(
                    Edge(above.x + box_width / 2, above.y + box_height, below.x + box_width / 2, below.y, 1.5, "")
                )
        picture.nodes.extend(current)
        previous = current
        y += step_gap - 12
    picture.height = int(y - step_gap + 12 + 10)
    picture.description = " → ".join(", ".join(label for label, _ in column) for column in columns)
    return picture
