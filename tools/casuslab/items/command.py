"""``casuslab items SCENARIO... --format moodle|qti --out PATH``: a question bank for an LMS."""

from __future__ import annotations

import os
from pathlib import Path

from casuslab.errors import InputError, Location
from casuslab.i18n import os_reason

FORMATS = {"moodle": "vragenbank.moodle.xml", "qti": "vragenbank.qti.zip"}


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file, so a half-written file never remains."""
    if target.is_dir():
        raise InputError("dit is een map; geef een bestandsnaam", Location(str(target)))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"kan niet geschreven worden: {os_reason(exc)}", Location(str(target))) from None


def export_items(paths: list[Path], fmt: str, out: Path) -> tuple[int, list, list]:
    """Write the question bank; (questions written, open questions left out, specs)."""
    from casuslab.items.source import items_of, load_specs

    if fmt not in FORMATS:
        raise InputError(f"onbekend formaat '{fmt}'; kies moodle of qti", Location("--format"))
    specs = load_specs(paths)
    if fmt == "moodle":
        from casuslab.items.moodle import moodle_xml

        write_atomically(out, moodle_xml(specs))
        return len(items_of(specs)), [], specs
    from casuslab.items.qti import qti_package

    data, skipped = qti_package(specs)
    write_atomically(out, data)
    return len(items_of(specs)) - len(skipped), skipped, specs


def run_items(paths: list[Path], fmt: str, out: Path | None) -> int:
    target = Path(out) if out is not None else Path(FORMATS.get(fmt, "vragenbank"))
    count, skipped, specs = export_items(list(paths), fmt, target)
    what = "Moodle XML (Vragenbank > Importeren > Moodle XML-formaat)" if fmt == "moodle" else \
        "IMS QTI 2.1-pakket (zip met imsmanifest.xml)"
    print(f"{count} vraag/vragen uit {len(specs)} scenario('s) geschreven naar {target}: {what}.")
    if skipped:
        names = ", ".join(f"{item.sid}/{item.qid}" for item in skipped)
        print(f"Open vragen niet opgenomen (QTI kent geen rubriek; gebruik --format moodle): {names}")
    print("Let op: het bestand bevat de sleutels. Geef het niet aan studenten.")
    return 0
