"""Safe HTML for the student's widgets: a small Markdown subset and the stylesheet.

ipywidgets' ``HTML`` widget sets ``innerHTML`` without sanitising, so every text
that reaches it goes through :func:`esc` or :func:`markdown` here, which escape
first and only then add the few tags they produce. Standard library only.
"""

from __future__ import annotations

import html
import re

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"<em>\1</em>"),
]
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def esc(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if text is None else str(text), quote=True)


def inline(text: str) -> str:
    """Escape one line and apply inline Markdown (code, bold, italics, http links)."""
    out = esc(text)
    out = _LINK.sub(lambda m: f'<a href="{m.group(2)}" target="_blank" rel="noopener">{m.group(1)}</a>', out)
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def markdown(text: str | None, heading_offset: int = 2) -> str:
    """A safe subset of Markdown: paragraphs, lists, headings, quotes, inline marks.

    Headings are shifted down by ``heading_offset`` levels so a scenario's ``#``
    never competes with the notebook's title.
    """
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []

    def flush() -> None:
        nonlocal list_tag
        if para:
            blocks.append("<p>" + " ".join(inline(p) for p in para) + "</p>")
            para.clear()
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = ""
        if quote:
            blocks.append("<blockquote>" + markdown("\n".join(quote), heading_offset) + "</blockquote>")
            quote.clear()

    for raw in (text or "").splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if line.lstrip().startswith(">"):
            if para or items:
                flush()
            quote.append(line.lstrip()[1:].lstrip())
            continue
        if quote:
            flush()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if heading:
            flush()
            level = min(6, len(heading.group(1)) + heading_offset)
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if para or (items and tag != list_tag):
                flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))
        elif items and raw.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    return "".join(blocks)


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
