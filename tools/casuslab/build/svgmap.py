"""The stage graph of a scenario as a small inline SVG map (for the preview page).

Stages are boxes in columns by their depth from the first stage; arrows go to every
possible next stage, labelled with the options that lead there (a dashed arrow is
the default route). Every text is escaped; each box links to its stage's section.
"""

from __future__ import annotations

from html import escape

from casuslab import paths

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 170, 46, 70, 22, 12


def _depths(spec: dict) -> dict[str, int]:
    """Longest distance from the first stage (ignoring edges that close a cycle)."""
    index = paths.stage_index(spec)
    stages = spec.get("stages", [])
    depth: dict[str, int] = {}
    if not stages:
        return depth
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(sid: str) -> None:  # iterative-enough for scenario sizes (recursion depth = stages)
        state[sid] = 1
        for nxt in paths.successors(spec, index[sid]):
            if nxt in index and state.get(nxt) is None:
                visit(nxt)
        state[sid] = 2
        order.append(sid)

    visit(stages[0]["id"])
    position = {sid: i for i, sid in enumerate(reversed(order))}
    depth[stages[0]["id"]] = 0
    for sid in reversed(order):
        for nxt in paths.successors(spec, index[sid]):
            if nxt in position and position[nxt] > position[sid]:
                depth[nxt] = max(depth.get(nxt, 0), depth.get(sid, 0) + 1)
    last = max(depth.values(), default=0)
    for stage in stages:  # unreachable stages: a column of their own, at the end
        depth.setdefault(stage["id"], last + 1)
    return depth


def edges(spec: dict) -> list[tuple[str, str, list[str], bool]]:
    """(from, to, option ids leading there, is the default route) for every arrow."""
    out = []
    for i, stage in enumerate(spec.get("stages", [])):
        question = paths.branching_question(stage)
        default = paths.default_next(spec, i)
        by_target: dict[str, list[str]] = {}
        if question is not None and not stage.get("end"):
            for option in question.get("options", []):
                if option.get("next"):
                    by_target.setdefault(option["next"], []).append(option["id"])
        for target in paths.successors(spec, i):
            out.append((stage["id"], target, by_target.get(target, []), target == default and target not in by_target))
    return out


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stage_map(spec: dict) -> str:
    """The SVG element (a string) of the scenario's stage graph."""
    stages = spec.get("stages", [])
    depth = _depths(spec)
    columns: dict[int, list[str]] = {}
    for stage in stages:
        columns.setdefault(depth[stage["id"]], []).append(stage["id"])
    place: dict[str, tuple[int, int]] = {}
    for col, ids in columns.items():
        for row, sid in enumerate(ids):
            place[sid] = (PAD + col * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y))
    width = PAD * 2 + (max(columns, default=0) + 1) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + max((len(v) for v in columns.values()), default=1) * (BOX_H + GAP_Y) - GAP_Y + 14
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="stage map">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for source, target, options, default in edges(spec):
        if source not in place or target not in place:
            continue
        (x1, y1), (x2, y2) = place[source], place[target]
        sx, sy, tx, ty = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
        if tx <= sx:  # backwards or same column: loop below the boxes
            low = max(y1, y2) + BOX_H + GAP_Y / 2
            d = f"M{x1 + BOX_W / 2},{y1 + BOX_H} C{x1 + BOX_W / 2},{low} {x2 + BOX_W / 2},{low} {x2 + BOX_W / 2},{y2 + BOX_H}"
            lx, ly = (x1 + x2 + BOX_W) / 2, low
        else:
            mid = (sx + tx) / 2
            d = f"M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}"
            lx, ly = mid, (sy + ty) / 2 - 4
        dash = ' stroke-dasharray="5 4"' if default and not options else ""
        parts.append(f'<path d="{d}" fill="none" stroke="#555" stroke-width="1.5"{dash} marker-end="url(#arrow)"/>')
        if options:
            label = escape(", ".join(options))
            parts.append(f'<text x="{lx}" y="{ly}" class="edge" text-anchor="middle">{label}</text>')
    for stage in stages:
        sid = stage["id"]
        x, y = place[sid]
        css = "node end" if stage.get("end") or not paths.successors(spec, paths.stage_index(spec)[sid]) else "node"
        if sid == stages[0]["id"]:
            css += " start"
        title = escape(stage.get("title", ""))
        parts.append(
            f'<a href="#stage-{escape(sid)}"><g class="{css}"><title>{escape(sid)}: {title}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8"/>'
            f'<text x="{x + 10}" y="{y + 18}" class="sid">{escape(_short(sid, 24))}</text>'
            f'<text x="{x + 10}" y="{y + 35}" class="stitle">{escape(_short(stage.get("title", ""), 26))}</text></g></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
