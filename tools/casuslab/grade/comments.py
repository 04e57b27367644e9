"""The comment bank: level descriptors per criterion, plus course-wide comments.

Course-wide comments live in ``grading/comments.yaml``::

    format: casuslab/comments-v1
    comments:
      - id: bronnen
        text: Verwijs naar het artikel, met het oude en het nieuwe nummer.

A lecturer can type ``@bronnen`` in a formgrader comment; the feedback page shows
the comment's text in its place. Criterion levels are written in a comment as
``zwijgrecht=2; afweging=1`` (the rubric sheet and the grading cell give the
line with the pre-scorer's suggestion, ready to edit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LEVEL = re.compile(r"(?<![\w-])([a-z0-9][a-z0-9-]{0,62})\s*[=:]\s*([0-9]+)(?![\w.,])")
REFERENCE = re.compile(r"@([a-z0-9][a-z0-9-]{0,62})")


@dataclass(frozen=True)
class Comment:
    id: str
    text: str


def load_comments(grading_dir: Path) -> tuple[list[Comment], str | None]:
    """The course-wide comments, and a warning when the file is unusable (never raises)."""
    path = Path(grading_dir) / "comments.yaml"
    if not path.is_file():
        return [], None
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as exc:
        return [], f"{path}: kan niet gelezen worden ({type(exc).__name__})"
    entries = data.get("comments") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [], f"{path}: verwacht een lijst 'comments'"
    found = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("text"), str):
            found.append(Comment(entry["id"], entry["text"].strip()))
    return found, None


def levels_in(comment: str | None, criteria: list[dict]) -> dict[str, int]:
    """Criterion levels a lecturer wrote in a comment (``id=level``), for the criteria of a rubric."""
    if not comment:
        return {}
    known = {c.get("id"): {int(k) for k in c.get("levels", {})} for c in criteria}
    found: dict[str, int] = {}
    for cid, level in LEVEL.findall(comment):
        if cid in known and int(level) in known[cid]:
            found[cid] = int(level)
    return found


def expand(comment: str | None, bank: list[Comment]) -> str:
    """The comment with ``@id`` references replaced by the bank's texts; level lines removed."""
    if not comment:
        return ""
    texts = {c.id: c.text for c in bank}
    text = REFERENCE.sub(lambda m: texts.get(m.group(1), m.group(0)), comment)
    lines = [line for line in text.splitlines() if not _only_levels(line)]
    return "\n".join(lines).strip()


def _only_levels(line: str) -> bool:
    rest = LEVEL.sub("", line)
    return bool(LEVEL.search(line)) and not re.sub(r"[\s;,.]", "", rest)
