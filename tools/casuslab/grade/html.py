"""Small HTML helpers for casuslab's reports: every text goes through ``esc``.

Reports are standalone pages (inline CSS, no scripts). Student text is only ever
inserted escaped; ``marked`` escapes the pieces between the highlights too.
"""

from __future__ import annotations

from typing import Any, Iterable

from casuslab.student.markup import esc  # noqa: F401  (re-exported: grade's pages escape with it)

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1rem; margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.answer { white-space: pre-wrap; background: #f8f8f8; border-left: 4px solid #1565c0; padding: .5rem .8rem; }
.model { white-space: pre-wrap; background: #f1f8e9; border-left: 4px solid #558b2f; padding: .5rem .8rem; }
.good { color: #1b5e20; } .bad { color: #b71c1c; } .muted { color: #666; }
mark.hit { background: #c8e6c9; } mark.neg { background: #ffe0b2; text-decoration: line-through; }
.note { background: #fff8e1; border: 1px solid #ffe082; padding: .5rem .8rem; }
.level-on { font-weight: bold; background: #e3f2fd; }
code.copy { background: #eee; padding: .1rem .3rem; }
section.student { border-top: 1px dashed #bbb; margin-top: 1rem; padding-top: .5rem; }
"""


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def marked(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` escaped, with ``<mark class=KIND>`` around the (non-overlapping) spans."""
    out: list[str] = []
    pos = 0
    for start, end, kind in sorted(spans):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="{esc(kind)}">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def points(value: Any) -> str:
    """2.0 -> '2', 1.5 -> '1,5', 10.255 -> '10,26' (exact half-up, casuslab.grade.result); None -> '-'."""
    from casuslab.grade.result import format_points

    return "-" if value is None else format_points(value)
