"""Safe HTML from Markdown: the one renderer of the package, and the student's stylesheet.

Everything that shows a scenario's or a student's Markdown as HTML calls
:func:`markdown` (blocks) or :func:`inline` (one line) here: the student's widgets
and the trainer's preview page (``casuslab.build.preview``). ipywidgets' ``HTML``
widget sets ``innerHTML`` without sanitising, so the renderer must be safe on its own:

- markdown-it-py (pure Python) with the CommonMark preset, ``html`` off: raw HTML in
  a text comes out as escaped text, never as a tag;
- GFM tables (``<table>`` with ``<thead>``/``<th scope="col">``) and ``~~strike~~``;
  no linkify, no typographer, no images (a page never loads anything remote);
- links only to ``http``, ``https``, ``mailto`` or a relative address; anything else
  (``javascript:``, ``data:``, ``vbscript:``, ``file:``) stays plain text. Absolute
  links open in a new tab, so a click never navigates away from JupyterLab;
- headings are shifted down by ``heading_offset`` levels, so a scenario's ``#``
  never competes with the notebook's or the page's own headings;
- compact output (no newlines between block tags; a code block keeps its own), the same
  for the same input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_link(url: str) -> bool:
    """Whether ``url`` (normalised, entities decoded) may become an ``href``."""
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        return safe_link(url)


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with shifted headings, table and link attributes."""

    def renderToken(self, tokens: Sequence, idx: int, options, env) -> str:  # noqa: N802
        token = tokens[idx]
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1:]) + int(env.get("heading_offset", 0))
            token.tag = f"h{max(1, min(6, level))}"
        elif token.type == "table_open":
            token.attrSet("class", "casuslab-table")
        elif token.type == "th_open":
            token.attrSet("scope", "col")
        elif token.type == "link_open" and _SCHEME.match(str(token.attrGet("href") or "")):
            token.attrSet("target", "_blank")
            token.attrSet("rel", "noopener noreferrer")
        return super().renderToken(tokens, idx, options, env).strip("\n")

    def softbreak(self, tokens: Sequence, idx: int, options, env) -> str:
        return " "


def _parser() -> MarkdownIt:
    md = _Markdown("commonmark", {"html": False, "linkify": False, "typographer": False}, renderer_cls=_Renderer)
    md.enable(["table", "strikethrough"])
    md.disable("image")
    return md


_MD = _parser()


def markdown(text: str | None, heading_offset: int = 2) -> str:
    """``text`` (Markdown) as safe HTML; headings shifted down by ``heading_offset`` levels."""
    if not text:
        return ""
    return _MD.render(str(text), {"heading_offset": heading_offset}).strip("\n")


def inline(text: str | None) -> str:
    """One line of Markdown (emphasis, code, links, no blocks) as safe HTML."""
    if not text:
        return ""
    return _MD.renderInline(str(text), {})


CSS = """
.casuslab-stage, .casuslab-question, .casuslab-statusbar, .casuslab-confirm { box-sizing: border-box; }
.casuslab-stage { border-left: 4px solid var(--jp-brand-color1, #1565c0); padding: 4px 0 8px 16px;
  margin: 4px 0 8px 0; max-width: 52rem; color: var(--jp-ui-font-color1, #1a1a1a); }
.casuslab-stage.casuslab-closed { border-left-color: var(--jp-border-color2, #c8c8c8); }
.casuslab-stage .widget-html-content { white-space: normal; line-height: 1.55; font-size: 14px; }
.casuslab-kicker { color: #4a4a4a; font-size: 12px; text-transform: uppercase; letter-spacing: .06em;
  margin: 0; }
.casuslab-stage h2 { font-size: 20px; margin: 2px 0 6px 0; line-height: 1.3; }
.casuslab-story p { margin: 0 0 8px 0; }
.casuslab-question { background: var(--jp-layout-color2, #f4f6f8); border-radius: 8px; padding: 10px 14px;
  margin: 8px 0; border: 1px solid var(--jp-border-color2, #dde1e6); }
.casuslab-question-head { margin: 0 0 2px 0; font-size: 12px; color: #4a4a4a; }
.casuslab-prompt { font-weight: 600; margin: 0 0 4px 0; }
.casuslab-prompt p { margin: 0; }
.casuslab-question .widget-radio-box label, .casuslab-question .widget-checkbox label {
  white-space: normal; line-height: 1.4; height: auto; padding: 3px 0; }
.casuslab-question .widget-radio-box { margin-bottom: 0 !important; }
.casuslab-question .widget-radio-box input, .casuslab-question .widget-checkbox input {
  margin: 0 8px 0 2px; flex: none; }
.casuslab-question .widget-radio-box label { display: flex; align-items: flex-start; gap: 0; }
.casuslab-question .widget-radio-box label input { order: -1; margin-top: 3px; }
.casuslab-question .widget-checkbox { height: auto; }
.casuslab-question .widget-checkbox label { display: flex; align-items: flex-start; }
.casuslab-question .widget-checkbox label input { margin-top: 3px; }
.casuslab-order-row { align-items: center; border-bottom: 1px solid var(--jp-border-color2, #dde1e6);
  padding: 2px 0; }
.casuslab-order-pos { font-weight: 700; min-width: 1.6em; }
.casuslab-order-row button { min-width: 5.5em; }
.casuslab-scale button { min-width: 3em; }
.casuslab-scale button.mod-active { background: var(--jp-brand-color1, #1565c0); color: #fff; }
.casuslab-question .widget-checkbox input:checked + span { font-weight: 600; }
.casuslab-question .jupyter-button.mod-active:disabled { opacity: 1; }
.casuslab-question textarea:disabled { opacity: 1; color: var(--jp-ui-font-color1, #1a1a1a);
  background: var(--jp-layout-color1, #fff); }
.casuslab-scale-legend { font-size: 12px; color: #4a4a4a; }
.casuslab-words { font-size: 12px; color: #4a4a4a; }
.casuslab-words-off { color: #8a4b00; }
.casuslab-question textarea { font-size: 14px; line-height: 1.5; font-family: var(--jp-ui-font-family, sans-serif); }
.casuslab-feedback { margin-top: 6px; }
.casuslab-feedback ul { margin: 4px 0; padding-left: 20px; }
.casuslab-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700;
  color: #fff; margin-right: 6px; }
.casuslab-right { background: #1e6b34; }
.casuslab-wrong { background: #a4262c; }
.casuslab-partial { background: #7a5200; }
.casuslab-info { background: #34495e; }
.casuslab-mark-right { color: #1e6b34; font-weight: 700; }
.casuslab-mark-wrong { color: #a4262c; font-weight: 700; }
.casuslab-mark-missed { color: #7a5200; font-weight: 700; }
.casuslab-model { background: var(--jp-layout-color1, #fff); border: 1px dashed #9aa5b1; border-radius: 6px;
  padding: 6px 10px; margin: 4px 0; }
.casuslab-rubric { border-collapse: collapse; margin: 4px 0; font-size: 13px; }
.casuslab-rubric th, .casuslab-rubric td { border: 1px solid #c3cad2; padding: 3px 6px; text-align: left;
  vertical-align: top; }
.casuslab-table { border-collapse: collapse; margin: 6px 0 10px 0; font-size: 13px; line-height: 1.4; }
.casuslab-table th, .casuslab-table td { border: 1px solid #c3cad2; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.casuslab-table th { background: var(--jp-layout-color2, #f4f6f8); font-weight: 600; }
.casuslab-stage pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--jp-layout-color2, #f4f6f8);
  border-radius: 6px; padding: 8px 12px; font-size: 13px; line-height: 1.45; }
.casuslab-consequence { background: #fff8e1; border-left: 4px solid #b7791f; padding: 6px 12px; margin: 8px 0;
  color: #1a1a1a; border-radius: 0 6px 6px 0; }
.casuslab-consequence p { margin: 2px 0; }
.casuslab-confirm { background: #fff4f4; border: 1px solid #d9a0a0; border-radius: 6px; padding: 6px 12px;
  margin: 6px 0; color: #1a1a1a; }
.casuslab-locked { color: #1e6b34; font-weight: 600; }
.casuslab-next { font-weight: 600; }
.casuslab-statusbar { margin-top: 6px; font-size: 12px; color: #4a4a4a; border-top: 1px solid
  var(--jp-border-color2, #dde1e6); padding-top: 4px; }
.casuslab-statusbar .widget-html-content { font-size: 12px; }
.casuslab-save-error { color: #a4262c; font-weight: 700; }
.casuslab-notice { background: #fff4f4; border: 1px solid #d9a0a0; border-radius: 6px; padding: 6px 12px;
  color: #1a1a1a; }
.casuslab-placeholder { color: #4a4a4a; font-style: italic; }
"""


def style_tag() -> str:
    return f"<style>{CSS}</style>"
