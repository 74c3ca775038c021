"""The /stats chart: mastery per topic and a calendar of recent activity, drawn as a PNG with a CJK font."""

from __future__ import annotations

import functools
import io
import logging
import math
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import font_manager, ft2font
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

log = logging.getLogger(__name__)

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
# Simplified Chinese faces first so shared Han code points get mainland glyph forms.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Source Han Sans",
)

WIDTH_IN = 8.0
BASE_HEIGHT_IN = 6.0
DPI = 100
ROOMY_TOPICS = 12
EXTRA_TOPIC_IN = 0.22
CALENDAR_IN = 2.5
TITLE_PAD_IN = 0.42
X_AXIS_IN = 0.55
LABEL_COLUMNS = 24
MIN_BAR_SLOTS = 8

TRACK = "#eef0f3"
TEXT = "#1f2328"
MUTED = "#656d76"
TIER_COLOURS = ((0.4, "#e5534b"), (0.7, "#d4a72c"), (math.inf, "#2da44e"))
ACTIVITY_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
TODAY_EDGE = "#0969da"
BORDER = "#d0d7de"


@dataclass(frozen=True)
class _CjkFont:
    path: Path
    family: str


_font_lock = threading.Lock()


def find_cjk_font() -> Path | None:
    """The font file used for Chinese text, or None when only matplotlib's default is available."""
    font = _resolved_font()
    return font.path if font else None


def render_progress_chart(
    mastery: Sequence[tuple[str, float]],
    activity: Mapping[date, int],
    today: date,
    *,
    mastery_title: str,
    activity_title: str,
    mastery_axis: str,
    no_data: str,
    weeks: int = 12,
    weekday_labels: Sequence[str] = (),
) -> bytes:
    """PNG bytes of mastery bars (values 0..1) above an activity calendar of the last `weeks` weeks."""
    fig = Figure(figsize=(WIDTH_IN, _height_in(len(mastery))), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    fonts = _font_kwargs()
    names = [_truncate(name) for name, _ in mastery]
    top, bottom = _place_axes(fig, _label_width_in(canvas, names, _label_size(len(names)), fonts))
    _draw_mastery(top, names, [_clamp(value) for _, value in mastery], mastery_axis, no_data, fonts)
    _draw_calendar(bottom, activity, today, max(1, weeks), weekday_labels, fonts)
    _add_heading(fig, mastery_title, fig.get_figheight() - TITLE_PAD_IN / 2, fonts)
    _add_heading(fig, activity_title, CALENDAR_IN - TITLE_PAD_IN / 2, fonts)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def _place_axes(fig: Figure, label_in: float) -> tuple[Axes, Axes]:
    """Fixed margins in inches instead of a layout engine, which would double the render time."""
    width, height = fig.get_size_inches()
    left = max(0.3, label_in + 0.15)
    bars_bottom = CALENDAR_IN + X_AXIS_IN
    top = fig.add_axes(
        (
            left / width,
            bars_bottom / height,
            1 - (left + 0.1) / width,
            1 - (bars_bottom + TITLE_PAD_IN) / height,
        )
    )
    grid_bottom, grid_height = 0.3, CALENDAR_IN - TITLE_PAD_IN - 0.3
    bottom = fig.add_axes((0.1, grid_bottom / height, 0.8, grid_height / height))
    return top, bottom


def _label_width_in(
    canvas: FigureCanvasAgg, names: Sequence[str], size: float, fonts: dict[str, Any]
) -> float:
    renderer = canvas.get_renderer()
    props = font_manager.FontProperties(family=fonts.get("fontfamily"), size=size)
    widths = [renderer.get_text_width_height_descent(name, props, ismath=False)[0] for name in names]
    return max(widths, default=0.0) / DPI


def _add_heading(fig: Figure, text: str, y_in: float, fonts: dict[str, Any]) -> None:
    fig.text(0.02, y_in / fig.get_figheight(), text, va="center", fontsize=13, color=TEXT, **fonts)


def _label_size(topics: int) -> float:
    return 10 if topics <= ROOMY_TOPICS else 9


def _height_in(topics: int) -> float:
    return BASE_HEIGHT_IN + EXTRA_TOPIC_IN * max(0, topics - ROOMY_TOPICS)


def _resolved_font() -> _CjkFont | None:
    with _font_lock:
        return _cjk_font()


@functools.cache
def _cjk_font() -> _CjkFont | None:
    path = _packaged_font()
    if path is not None:
        try:
            return _CjkFont(path, _register(path))
        except (OSError, RuntimeError):
            log.exception("Cannot load the packaged CJK font %s", path)
    found = _system_font()
    if found is not None:
        return found
    log.warning(
        "No CJK font found (install %s); Chinese chart labels will render as boxes",
        FONT_PACKAGE.replace("_", "-"),
    )
    return None


def _packaged_font() -> Path | None:
    try:
        resource = resources.files(FONT_PACKAGE) / FONT_FILE
    except ModuleNotFoundError:
        return None
    path = Path(str(resource))
    return path if path.is_file() else None


def _system_font() -> _CjkFont | None:
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK_FAMILIES:
        if family in known:
            props = font_manager.FontProperties(family=family)
            return _CjkFont(Path(font_manager.findfont(props, fallback_to_default=False)), family)
    return None


def _register(path: Path) -> str:
    """Add the font file to matplotlib's font manager unless present and return its family name."""
    manager = font_manager.fontManager
    if not any(Path(entry.fname) == path for entry in manager.ttflist):
        manager.addfont(path)
    return font_manager.ttfFontProperty(ft2font.FT2Font(str(path))).name


def _font_kwargs() -> dict[str, Any]:
    font = _resolved_font()
    # DejaVu Sans backs up any glyph the CJK face lacks; no font means matplotlib's default.
    return {"fontfamily": [font.family, "DejaVu Sans"]} if font else {}


def _draw_mastery(
    ax: Axes,
    names: Sequence[str],
    values: Sequence[float],
    axis_label: str,
    no_data: str,
    fonts: dict[str, Any],
) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if not values:
        _draw_no_data(ax, no_data, fonts)
        return
    rows = np.arange(len(values))
    label_size = _label_size(len(values))
    ax.barh(rows, 100, height=0.68, color=TRACK)
    ax.barh(rows, [value * 100 for value in values], height=0.68, color=[_tier(value) for value in values])
    for row, value in zip(rows, values, strict=True):
        ax.text(
            102, row, f"{round(value * 100)}%", va="center", fontsize=label_size - 1, color=MUTED, **fonts
        )
    ax.set_yticks(rows, names)
    # A few topics keep their bar thickness instead of stretching to fill the panel.
    ax.set_ylim(max(len(values), MIN_BAR_SLOTS) - 0.5, -0.5)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(axis_label, color=MUTED, fontsize=10, labelpad=2, **fonts)
    ax.tick_params(axis="y", length=0, labelsize=label_size, labelcolor=TEXT, **_tick_fonts(fonts))
    ax.tick_params(axis="x", labelsize=9, labelcolor=MUTED, color=BORDER, **_tick_fonts(fonts))
    ax.spines["bottom"].set_color(BORDER)
    ax.spines["bottom"].set_bounds(0, 100)


def _draw_no_data(ax: Axes, no_data: str, fonts: dict[str, Any]) -> None:
    ax.spines["bottom"].set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(
        0.5, 0.5, no_data, ha="center", va="center", fontsize=12, color=MUTED, transform=ax.transAxes, **fonts
    )


def _draw_calendar(
    ax: Axes,
    activity: Mapping[date, int],
    today: date,
    weeks: int,
    weekday_labels: Sequence[str],
    fonts: dict[str, Any],
) -> None:
    start = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    counts = _activity_counts(activity, start, today, weeks)
    gap = min(2.0, _cell_points(ax, weeks) / 10)
    ax.pcolormesh(
        _levels(counts),
        cmap=ListedColormap(ACTIVITY_COLOURS),
        vmin=-0.5,
        vmax=len(ACTIVITY_COLOURS) - 0.5,
        edgecolors="white",
        linewidth=gap,
    )
    column, row = (today - start).days // 7, today.weekday()
    ax.add_patch(
        Rectangle((column + 0.06, row + 0.06), 0.88, 0.88, fill=False, edgecolor=TODAY_EDGE, linewidth=gap)
    )
    _draw_legend(ax, weeks, int(counts.max()))
    ax.set_xlim(0, weeks)
    ax.set_ylim(7, 0)
    ax.set_aspect("equal")
    labelled = [col for col in range(weeks) if (weeks - 1 - col) % 4 == 0]
    ax.set_xticks(
        [col + 0.5 for col in labelled], [_month_day(start + timedelta(weeks=col)) for col in labelled]
    )
    if len(weekday_labels) == 7:
        ax.set_yticks([day + 0.5 for day in range(7)], list(weekday_labels))
    else:
        ax.set_yticks([])
    ax.tick_params(length=0, labelsize=8, labelcolor=MUTED, **_tick_fonts(fonts))
    for spine in ax.spines.values():
        spine.set_visible(False)


def _cell_points(ax: Axes, weeks: int) -> float:
    """Side of one square day cell in points, once the axes box is shrunk to equal aspect."""
    box = ax.get_position()
    width, height = ax.get_figure().get_size_inches()
    return 72 * min(box.width * width / weeks, box.height * height / 7)


def _draw_legend(ax: Axes, weeks: int, busiest: int) -> None:
    """A column of the colour steps right of the grid, labelled with the counts at its ends."""
    x, step = weeks + 0.6, 1.2
    centres = [6.5 - level * step for level in range(len(ACTIVITY_COLOURS))]
    for centre, colour in zip(centres, ACTIVITY_COLOURS, strict=True):
        ax.add_patch(Rectangle((x, centre - 0.35), 0.7, 0.7, color=colour, clip_on=False))
    if busiest > 0:
        for centre, label in ((centres[0], "0"), (centres[-1], str(busiest))):
            ax.text(x + 0.95, centre, label, va="center", fontsize=8, color=MUTED, clip_on=False)


def _activity_counts(activity: Mapping[date, int], start: date, today: date, weeks: int) -> np.ma.MaskedArray:
    """Answers per (weekday, week) from `start` to `today`; days after today are masked."""
    counts = np.ma.masked_array(np.zeros((7, weeks)), mask=True)
    for offset in range((today - start).days + 1):
        counts[offset % 7, offset // 7] = max(0, activity.get(start + timedelta(days=offset), 0))
    return counts


def _levels(counts: np.ma.MaskedArray) -> np.ma.MaskedArray:
    """Colour step per cell: 0 for no answers, then 1-4 scaled to the busiest day."""
    busiest = counts.max()
    top = len(ACTIVITY_COLOURS) - 1
    return np.ma.ceil(counts / busiest * top) if busiest > 0 else counts


def _month_day(day: date) -> str:
    return f"{day.month}/{day.day}"


def _tick_fonts(fonts: dict[str, Any]) -> dict[str, Any]:
    return {"labelfontfamily": fonts["fontfamily"]} if fonts else {}


def _tier(value: float) -> str:
    return next(colour for limit, colour in TIER_COLOURS if value < limit)


def _clamp(value: float) -> float:
    return 0.0 if math.isnan(value) else min(1.0, max(0.0, value))


def _truncate(name: str, columns: int = LABEL_COLUMNS) -> str:
    """Cut a label to `columns` display columns (CJK counts double), ending in an ellipsis when cut."""
    if _width(name) <= columns:
        return name
    kept, used = [], 1
    for char in name:
        used += _width(char)
        if used > columns:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
