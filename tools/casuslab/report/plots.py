"""The class report's plots: matplotlib (no pyplot, no global backend) to inline SVG strings.

Deterministic and self-contained: every figure is saved inside its own ``rc_context`` with a
fixed ``svg.hashsalt`` (per figure, so the ids of two inline SVGs never collide), no date or
creator in the metadata, text as ``<text>`` (``svg.fonttype: none``: readable, searchable,
no embedded glyph ids), and the XML prolog, DOCTYPE, metadata block and namespace URLs
removed (an inline SVG in HTML5 needs none of them). Each SVG gets ``role="img"`` and a
``<title>`` naming what it shows, for screen readers.
"""

from __future__ import annotations

import html
import io
import re
from contextlib import contextmanager
from typing import Iterator, Sequence

BLUE, ORANGE, GREY, RED, GREEN = "#1f6fb4", "#e08a1e", "#9e9e9e", "#c62828", "#2e7d32"
LEVEL_COLOURS = ("#c62828", "#ef8a17", "#f2c94c", "#9ccc65", "#2e7d32")  # lowest to highest level

_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "path.simplify": False,
}


@contextmanager
def _style(ident: str) -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context({**_STYLE, "svg.hashsalt": f"casuslab-report-{ident}"}):
        yield


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=72, layout="constrained")


def _svg(fig, ident: str, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    referenced = set(re.findall(r"#([A-Za-z_][\w.-]*)", text))
    text = re.sub(r'\s+id="([^"]*)"', lambda m: m.group(0) if m.group(1) in referenced else "", text)
    ident = "fig-" + re.sub(r"[^a-z0-9-]", "-", ident.lower())
    text = re.sub(r'<svg\s+width="([\d.]+)pt"\s+height="([\d.]+)pt"',
                  lambda m: f'<svg role="img" aria-labelledby="{ident}" class="plot" '
                            f'width="{m.group(1)}pt" height="{m.group(2)}pt"', text, count=1)
    text = text.replace(">", f'>\n <title id="{ident}">{html.escape(title)}</title>', 1)
    return text.strip()


def bars(ident: str, title: str, labels: Sequence[str], values: Sequence[float], xlabel: str,
         colours: Sequence[str] | None = None, width: float = 7.0) -> str:
    """A horizontal bar chart, one bar per label (top to bottom in the given order), the value at each bar's end."""
    with _style(ident):
        fig = _figure(width, 0.9 + 0.32 * max(1, len(labels)))
        ax = fig.add_subplot()
        y = list(range(len(labels)))
        ax.barh(y, values, color=list(colours) if colours else BLUE)
        ax.set_yticks(y, [_short(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        top = max(values) if values else 0
        ax.set_xlim(0, max(1, top) * 1.12)
        for yi, v in zip(y, values):
            ax.text(v, yi, f" {_number(v)}", va="center", fontsize=8)
        return _svg(fig, ident, title)


def histogram(ident: str, title: str, edges: Sequence[float], counts: Sequence[int], xlabel: str,
              mark: float | None = None, mark_label: str = "") -> str:
    """Counts per bin (``edges`` has one more value than ``counts``), with an optional vertical marker."""
    with _style(ident):
        fig = _figure(7.0, 3.0)
        ax = fig.add_subplot()
        widths = [b - a for a, b in zip(edges, edges[1:])]
        ax.bar(edges[:-1], counts, width=widths, align="edge", color=BLUE, edgecolor="white", linewidth=0.8)
        ax.set_xlim(edges[0], edges[-1])
        step = max(1, (len(edges) - 1) // 10)
        ax.set_xticks(list(edges[::step]), [_number(e) for e in edges[::step]])
        ax.set_xlabel(xlabel)
        ax.set_ylabel("aantal studenten")
        ax.yaxis.get_major_locator().set_params(integer=True)
        top = max(counts or [0]) or 1
        ax.set_ylim(0, top * 1.18)
        if mark is not None:
            ax.axvline(mark, color=RED, linestyle="--", linewidth=1)
            ax.text(mark, top * 1.16, f" {mark_label}", color=RED, fontsize=8, va="top")
        return _svg(fig, ident, title)


def stacked_levels(ident: str, title: str, criteria: Sequence[str], levels: Sequence[int],
                   lecturer: Sequence[Sequence[int]], suggested: Sequence[Sequence[int]]) -> str:
    """Per criterion one horizontal bar split by level: solid = the lecturer's levels, hatched = suggestions.

    ``lecturer[c][l]`` / ``suggested[c][l]``: how many students got level ``levels[l]`` on criterion ``c``.
    """
    with _style(ident):
        fig = _figure(7.0, 1.2 + 0.5 * max(1, len(criteria)))
        ax = fig.add_subplot()
        y = list(range(len(criteria)))
        left = [0.0] * len(criteria)
        for li, level in enumerate(levels):
            colour = LEVEL_COLOURS[min(li * (len(LEVEL_COLOURS) - 1) // max(1, len(levels) - 1), len(LEVEL_COLOURS) - 1)]
            solid = [lecturer[c][li] for c in y]
            ax.barh(y, solid, left=left, color=colour, edgecolor="white", label=f"niveau {level} (docent)")
            left = [a + b for a, b in zip(left, solid)]
            hatched = [suggested[c][li] for c in y]
            ax.barh(y, hatched, left=left, color=colour, alpha=0.45, hatch="//", edgecolor="white",
                    label=f"niveau {level} (suggestie)")
            left = [a + b for a, b in zip(left, hatched)]
        ax.set_yticks(y, [_short(c) for c in criteria])
        ax.invert_yaxis()
        ax.set_xlabel("aantal studenten")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(4, 2 * len(levels)), fontsize=7,
                  frameon=False)
        return _svg(fig, ident, title)


def _short(label: str, size: int = 48) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
