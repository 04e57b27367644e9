"""Rules on the stage graph (CL207-CL210, CL218, CL219).

Every `next` names a stage, every stage is reachable, there are no cycles, an
ending stage has no `next`, at most one question per stage branches, and every
path from the first stage to an end carries the same maximum points.
"""

from __future__ import annotations

from fractions import Fraction

from casuslab import paths
from casuslab.i18n import _
from casuslab.lint.context import Report, as_dict, as_id, as_list, entries, is_int, is_number, stages, suggest
from casuslab.scenario.yamlpos import PathKey

MAX_PATHS_SHOWN = 5


def graph_spec(data: dict) -> tuple[dict, dict[str, PathKey]]:
    """A clean stage graph (the shape ``casuslab.paths`` expects) from raw data, and each stage's key.

    Stages without a usable id get a placeholder id (`#3`) that no `next` can name,
    so the order of the list, and thus every default route, stays intact.
    """
    out, where = [], {}
    for i, stage in enumerate(as_list(data.get("stages"))):
        stage = as_dict(stage)
        sid = as_id(stage.get("id")) or f"#{i}"
        where.setdefault(sid, ("stages", i))
        qs = []
        for q in as_list(stage.get("questions")):
            q = as_dict(q)
            opts = [{"id": as_id(o.get("id")) or "", **({"next": n} if (n := as_id(o.get("next"))) else {})}
                    for o in map(as_dict, as_list(q.get("options")))]
            qs.append({"id": as_id(q.get("id")), "type": q.get("type"), "options": opts})
        entry = {"id": sid, "end": stage.get("end") is True, "questions": qs}
        if (nxt := as_id(stage.get("next"))) is not None:
            entry["next"] = nxt
        out.append(entry)
    return {"stages": out}, where


def _branch_nexts(skey: PathKey, stage: dict):
    """(key of the `next` value, target) for every option of a single question in the stage."""
    for qkey, q in entries(stage, "questions", skey):
        if q.get("type") != "single":
            continue
        for okey, option in entries(q, "options", qkey):
            target = as_id(option.get("next"))
            if target is not None:
                yield okey + ("next",), target


def check_next(data: dict, r: Report) -> bool:
    """CL207 dangling next, CL218 next in an ending stage, CL219 two branching questions. True if CL207 found."""
    known = [as_id(s.get("id")) for _, s in stages(data)]
    known = list(dict.fromkeys(k for k in known if k))
    dangling = False
    for skey, stage in stages(data):
        sid = as_id(stage.get("id")) or "?"
        refs = list(_branch_nexts(skey, stage))
        if as_id(stage.get("next")) is not None:
            refs.insert(0, (skey + ("next",), as_id(stage.get("next"))))
        for key, target in refs:
            if target not in known:
                dangling = True
                r.value(key, "CL207", _("'next: {target}' names no stage of this scenario{suggestion}; "
                                        "the stages are: {stages}").format(
                    target=target, suggestion=suggest(target, known), stages=", ".join(known)))
            if stage.get("end") is True:
                r.value(key, "CL218", _("stage '{stage}' ends the scenario (end: true), so it cannot have a 'next': "
                                        "remove the 'next' or the 'end: true'").format(stage=sid))
        branching = []
        for qkey, q in entries(stage, "questions", skey):
            if q.get("type") == "single" and any(as_id(as_dict(o).get("next")) for o in as_list(q.get("options"))):
                branching.append((qkey, as_id(q.get("id")) or "?"))
        for qkey, qid in branching[1:]:
            r.value(qkey + ("id",), "CL219", _("stage '{stage}' has two branching questions ('{first}' and "
                                               "'{second}'); only one question per stage may have options with "
                                               "'next'").format(stage=sid, first=branching[0][1], second=qid))
    return dangling


def _edge_key(spec: dict, where: dict[str, PathKey], data: dict, source: str, target: str) -> PathKey:
    """The `next` value that makes the edge source -> target (for pointing at it)."""
    skey = where[source]
    stage = as_dict(as_list(data.get("stages"))[skey[1]])
    for key, t in _branch_nexts(skey, stage):
        if t == target:
            return key
    if as_id(stage.get("next")) == target:
        return skey + ("next",)
    return skey + ("id",)


def check_reachable_and_acyclic(data: dict, r: Report) -> bool:
    """CL208 unreachable stages, CL209 cycles. True if a cycle was found."""
    spec, where = graph_spec(data)
    if not spec["stages"]:
        return False
    index = paths.stage_index(spec)
    succ = {s["id"]: [t for t in paths.successors(spec, i) if t in index] for s, i in
            ((s, index[s["id"]]) for s in spec["stages"])}
    first = spec["stages"][0]["id"]
    seen, todo = {first}, [first]
    while todo:
        for t in succ[todo.pop()]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    for sid, key in where.items():
        if sid not in seen and not sid.startswith("#"):
            r.value(key + ("id",), "CL208", _("stage '{stage}' can never be reached: no 'next' leads to it and the "
                                              "stage before it ends or jumps elsewhere").format(stage=sid))
    # cycles: depth-first search from every stage, in list order; report each back edge once
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cyclic = False
    for start in where:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        trail = [start]
        state[start] = 1
        while stack:
            node, k = stack[-1]
            if k < len(succ[node]):
                stack[-1] = (node, k + 1)
                t = succ[node][k]
                if state.get(t) == 1:
                    cyclic = True
                    loop = trail[trail.index(t):] + [t]
                    r.value(_edge_key(spec, where, data, node, t), "CL209",
                            _("this 'next' leads back to stage '{stage}' and makes a loop ({loop}); "
                              "a scenario must always move on towards an end").format(
                                stage=t, loop=" → ".join(loop)))
                elif t not in state:
                    state[t] = 1
                    stack.append((t, 0))
                    trail.append(t)
            else:
                state[node] = 2
                stack.pop()
                trail.pop()
    return cyclic


def _question_points(q: dict) -> Fraction | None:
    if q.get("type") == "open":
        total = Fraction(0)
        rubric = [as_dict(c) for c in as_list(q.get("rubric"))]
        for c in rubric:
            levels = [k for k in as_dict(c.get("levels")) if is_int(k)]
            if not levels:
                return None
            total += max(levels)
        return total if rubric else None
    points = q.get("points")
    return Fraction(str(points)) if is_number(points) and points > 0 else None


def _fmt(x: Fraction) -> str:
    return f"{float(x):g}"


def check_points(data: dict, r: Report) -> None:
    """CL210: every path from the first stage to an end carries the same maximum points."""
    spec, where = graph_spec(data)
    points: dict[str, Fraction] = {}
    for i, stage in enumerate(map(as_dict, as_list(data.get("stages")))):
        total = Fraction(0)
        for q in map(as_dict, as_list(stage.get("questions"))):
            value = _question_points(q)
            if value is None:
                return  # a question's points are themselves wrong: that problem is reported already
            total += value
        points.setdefault(as_id(stage.get("id")) or f"#{i}", total)
    totals: dict[Fraction, list[str]] = {}
    for path in paths.all_paths(spec):
        total = sum((points.get(s, Fraction(0)) for s in path), Fraction(0))
        totals.setdefault(total, path)
    if len(totals) < 2:
        return
    ranked = sorted(totals.items(), key=lambda kv: -kv[0])
    high, low = ranked[0][1], ranked[1][1]
    common = 0
    while common < min(len(high), len(low)) and high[common] == low[common]:
        common += 1
    fork = high[max(common - 1, 0)]
    skey = where.get(fork, ("stages", 0))
    stage = as_dict(as_list(data.get("stages"))[skey[1]])
    key = skey + ("id",)
    for qkey, q in entries(stage, "questions", skey):
        if any(as_id(as_dict(o).get("next")) for o in as_list(q.get("options"))):
            key = qkey + ("id",)
            break
    shown = "; ".join(f"{' → '.join(p)}: {_fmt(t)}" for t, p in ranked[:MAX_PATHS_SHOWN])
    r.value(key, "CL210", _("the paths through the scenario carry different maximum points ({paths}); every path "
                            "must carry the same maximum: change the points of a question on a branch after "
                            "'{stage}'").format(paths=shown, stage=fork))


def check_graph(data: dict, r: Report) -> None:
    dangling = check_next(data, r)
    cyclic = check_reachable_and_acyclic(data, r)
    if not dangling and not cyclic:
        check_points(data, r)
