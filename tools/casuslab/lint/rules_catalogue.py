"""Reference catalogue rules (CL401, CL402): `replaced_by` names an existing key, without cycles."""

from __future__ import annotations

from casuslab.i18n import _
from casuslab.lint.context import Report, as_dict, as_id, suggest


def check_catalogue_rules(data: dict, r: Report) -> None:
    keys = [str(k) for k in data]
    replaced = {}
    for key, entry in data.items():
        target = as_id(as_dict(entry).get("replaced_by"))
        if target is None:
            continue
        if target not in data:
            r.value((key, "replaced_by"), "CL401", _("'{key}' is replaced by '{target}', but the catalogue has no "
                                                     "'{target}'{suggestion}").format(
                key=key, target=target, suggestion=suggest(target, keys)))
        else:
            replaced[key] = target
    reported: set[frozenset] = set()
    for start in replaced:
        chain, key = [start], replaced[start]
        while key in replaced and key not in chain:
            chain.append(key)
            key = replaced[key]
        if key in chain:
            loop = chain[chain.index(key):]
            if frozenset(loop) not in reported:
                reported.add(frozenset(loop))
                shown = " → ".join(loop + [key])
                r.value((loop[-1], "replaced_by"), "CL402", _("replaced_by makes a loop ({loop}): a provision "
                                                              "cannot (indirectly) replace itself").format(loop=shown))
