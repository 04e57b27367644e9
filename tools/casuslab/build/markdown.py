"""A minimal, safe Markdown renderer for the preview page.

Everything is escaped first (``html.escape``); only then are a few constructs
turned into tags: paragraphs, ``#`` headings, ``-``/``*``/``1.`` lists, ``>``
quotes, ``**bold**``, ``*italic*``/``_italic_`` and ```code```. No raw HTML from
a scenario ever passes, and links are shown as their text.
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def inline(text: str) -> str:
    """Escape ``text``, then render inline emphasis and code."""
    out = html.escape(text, quote=True)
    codes: list[str] = []

    def keep(match: re.Match) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    out = _CODE.sub(keep, out)
    out = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], out)


def render(text: str) -> str:
    """``text`` (Markdown) as safe HTML."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        heading = _HEADING.match(lines[0])
        if heading:
            level = min(len(heading.group(1)) + 3, 6)
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
            lines = lines[1:]
            if not lines:
                continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{inline(_BULLET.match(line).group(1))}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif all(_NUMBER.match(line) for line in lines):
            items = "".join(f"<li>{inline(_NUMBER.match(line).group(1))}</li>" for line in lines)
            blocks.append(f"<ol>{items}</ol>")
        elif all(line.lstrip().startswith(">") for line in lines):
            quoted = " ".join(line.lstrip()[1:].strip() for line in lines)
            blocks.append(f"<blockquote>{inline(quoted)}</blockquote>")
        else:
            blocks.append("<p>" + "<br>\n".join(inline(line.strip()) for line in lines) + "</p>")
    return "\n".join(blocks)
