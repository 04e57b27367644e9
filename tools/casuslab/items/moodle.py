"""Questions as a Moodle XML quiz file (Moodle's "Moodle XML format" for question import).

One category per scenario (``$course$/top/casuslab/<title>``), then per question type:

- ``single`` -> ``multichoice`` with ``<single>true</single>``: the right option 100, the others 0.
- ``multiple``, ``scoring: partial`` -> ``multichoice`` with ``<single>false</single>``: every right
  option ``100/n`` and every wrong one ``-100/n`` (n = number of right options). Moodle adds the
  fractions of the ticked options and keeps the total between 0 and 100 %, which is exactly
  casuslab's ``points * max(0, right - wrong) / n``. With at most 10 options, ``100/n`` is always one
  of the fractions Moodle accepts (100, 50, 33.33333, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10).
- ``multiple``, ``scoring: all-or-nothing`` -> ``multichoiceset`` (plugin qtype_multichoiceset,
  "All-or-Nothing Multiple Choice"): right options 100, wrong ones 0; full marks only for exactly
  the right set. Core Moodle's ``multichoice`` cannot express all-or-nothing; without the plugin
  Moodle skips these questions on import and says so.
- ``order`` -> ``ordering`` (qtype_ordering, in core since Moodle 4.4), the items in the right
  order; ``scoring: pairs`` -> ``RELATIVE_ALL_PREVIOUS_AND_NEXT`` (each item against every item
  before and after it: each pair counts twice, so the share is that of the pairs in the right
  relative order), ``exact`` -> ``ALL_OR_NOTHING``.
- ``scale`` -> ``multichoice`` (single) with one answer per value from ``min`` to ``max`` (with its
  label); every value in ``accept`` is 100, the others 0 (so a scale may have several 100 %).
- ``open`` -> ``essay`` (editor, word limits from ``words``) with the rubric and the model
  answer as information for the grader (``graderinfo``, never shown to students).

The question text is the scenario's setting, the stage's vignette and the prompt, as HTML in
CDATA. Option feedback and consequences become each answer's feedback. The file holds the
keys: it is for the lecturer's question bank.
"""

from __future__ import annotations

import html

from casuslab.items.source import Item, items_of

ALLOWED_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                     16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)

LABELS = {
    "nl": {"consequence": "Wat er gebeurt", "rubric": "Beoordelingsrubric", "criterion": "Criterium",
           "levels": "Niveaus", "model": "Modelantwoord", "words": "Richtlengte: {lo} tot {hi} woorden."},
    "fr": {"consequence": "Ce qui se passe", "rubric": "Grille d'évaluation", "criterion": "Critère",
           "levels": "Niveaux", "model": "Réponse modèle", "words": "Longueur indicative : {lo} à {hi} mots."},
    "en": {"consequence": "What happens", "rubric": "Rubric", "criterion": "Criterion",
           "levels": "Levels", "model": "Model answer", "words": "Suggested length: {lo} to {hi} words."},
}


def fraction(value: float) -> str:
    """A Moodle fraction in percent, as Moodle writes it: 100, 33.33333, -12.5."""
    text = f"{round(value, 5):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def cdata(text: str) -> str:
    """``text`` in CDATA (a ``]]>`` inside is split over two sections)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, content: str, indent: str, fmt: str | None = "html") -> str:
    attr = f' format="{fmt}"' if fmt else ""
    body = cdata(content) if content else ""
    return f"{indent}<{tag}{attr}><text>{body}</text></{tag}>"


def _number(value: float) -> str:
    return f"{value:.7f}"


def _labels(item: Item) -> dict:
    return LABELS.get(item.scenario.get("language", "nl"), LABELS["nl"])


def _option_feedback(item: Item, option: dict) -> str:
    from casuslab.student.markup import markdown as render

    parts = [render(option["feedback"])] if option.get("feedback") else []
    if option.get("consequence"):
        parts.append(f"<p><strong>{html.escape(_labels(item)['consequence'])}:</strong> "
                     f"{html.escape(option['consequence'])}</p>")
    return "\n".join(parts)


def _answer(fraction_: str, text: str, feedback: str = "", fmt: str = "html") -> list[str]:
    lines = [f'      <answer fraction="{fraction_}" format="{fmt}">', f"        <text>{cdata(text)}</text>"]
    if feedback:
        lines.append(_text("feedback", feedback, "        "))
    lines.append("      </answer>")
    return lines


def _head(item: Item, qtype: str) -> list[str]:
    return [
        f'    <question type="{qtype}">',
        f"      <name><text>{html.escape(item.title, quote=False)}</text></name>",
        _text("questiontext", item.context_html(), "      "),
        _text("generalfeedback", "", "      "),
        f"      <defaultgrade>{_number(item.points)}</defaultgrade>",
        "      <penalty>0.0000000</penalty>",
        "      <hidden>0</hidden>",
        f"      <idnumber>{html.escape(item.qid)}</idnumber>",
    ]


def _combined_feedback() -> list[str]:
    return [_text(tag, "", "      ") for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")] + [
        "      <shownumcorrect/>"]


def _choice(item: Item) -> list[str]:
    from casuslab.student.markup import markdown as render

    q = item.question
    options = q["options"]
    if item.kind == "single":
        qtype, single = "multichoice", True
        fractions = ["100" if o.get("correct") else "0" for o in options]
    elif q.get("scoring", "partial") == "all-or-nothing":
        qtype, single = "multichoiceset", False
        fractions = ["100" if o.get("correct") else "0" for o in options]
    else:
        qtype, single = "multichoice", False
        n = sum(1 for o in options if o.get("correct"))
        fractions = [fraction(100 / n) if o.get("correct") else fraction(-100 / n) for o in options]
    lines = _head(item, qtype)
    if qtype == "multichoice":
        lines.append(f"      <single>{'true' if single else 'false'}</single>")
    lines += ["      <shuffleanswers>true</shuffleanswers>", "      <answernumbering>abc</answernumbering>",
              "      <showstandardinstruction>0</showstandardinstruction>"]
    lines += _combined_feedback()
    for option, frac in zip(options, fractions):
        lines += _answer(frac, render(option["text"]), _option_feedback(item, option))
    return lines + ["    </question>"]


def _scale(item: Item) -> list[str]:
    q = item.question
    lo, hi = q["accept"]
    labels = q.get("labels") or {}
    lines = _head(item, "multichoice")
    lines += ["      <single>true</single>", "      <shuffleanswers>false</shuffleanswers>",
              "      <answernumbering>none</answernumbering>", "      <showstandardinstruction>0</showstandardinstruction>"]
    lines += _combined_feedback()
    for value in range(q["min"], q["max"] + 1):
        label = labels.get(str(value))
        text = f"<p>{value}" + (f" &ndash; {html.escape(label)}" if label else "") + "</p>"
        lines += _answer("100" if lo <= value <= hi else "0", text)
    return lines + ["    </question>"]


def _ordering(item: Item) -> list[str]:
    from casuslab.student.markup import inline

    q = item.question
    grading = "ALL_OR_NOTHING" if q.get("scoring", "pairs") == "exact" else "RELATIVE_ALL_PREVIOUS_AND_NEXT"
    lines = _head(item, "ordering")
    lines += ["      <layouttype>VERTICAL</layouttype>", "      <selecttype>ALL</selecttype>",
              "      <selectcount>0</selectcount>", f"      <gradingtype>{grading}</gradingtype>",
              "      <showgrading>SHOW</showgrading>", "      <numberingstyle>none</numberingstyle>"]
    lines += _combined_feedback()
    for position, entry in enumerate(q["items"], start=1):
        lines += _answer(_number(position), inline(entry["text"]))
    return lines + ["    </question>"]


def rubric_html(item: Item) -> str:
    """The rubric (criteria with every level) and the model answer, for the grader."""
    from casuslab.student.markup import markdown as render

    words = _labels(item)
    q = item.question
    rows = []
    for criterion in q.get("rubric", []):
        levels = "".join(f"<li><strong>{html.escape(str(k))}</strong>: {html.escape(v)}</li>"
                         for k, v in sorted(criterion.get("levels", {}).items(), key=lambda kv: int(kv[0])))
        top = max((int(k) for k in criterion.get("levels", {})), default=0)
        rows.append(f"<tr><td>{html.escape(criterion['criterion'])} (max {top})</td><td><ul>{levels}</ul></td></tr>")
    parts = [f"<h4>{html.escape(words['rubric'])}</h4>",
             f"<table><thead><tr><th>{html.escape(words['criterion'])}</th><th>{html.escape(words['levels'])}</th>"
             f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"]
    if q.get("model_answer"):
        parts += [f"<h4>{html.escape(words['model'])}</h4>", render(q["model_answer"])]
    return "\n".join(parts)


def _essay(item: Item) -> list[str]:
    q = item.question
    lo, hi = (q.get("words") or [0, 0])[:2]
    lines = _head(item, "essay")
    lines += ["      <responseformat>editor</responseformat>", "      <responserequired>1</responserequired>",
              "      <responsefieldlines>15</responsefieldlines>",
              f"      <minwordlimit>{lo or ''}</minwordlimit>", f"      <maxwordlimit>{hi or ''}</maxwordlimit>",
              "      <attachments>0</attachments>", "      <attachmentsrequired>0</attachmentsrequired>",
              "      <maxbytes>0</maxbytes>", "      <filetypeslist></filetypeslist>",
              _text("graderinfo", rubric_html(item), "      "),
              _text("responsetemplate", "", "      ")]
    return lines + ["    </question>"]


WRITERS = {"single": _choice, "multiple": _choice, "scale": _scale, "order": _ordering, "open": _essay}


def _category(spec: dict) -> list[str]:
    # '/' separates categories in Moodle; a '/' in a name is written '//'
    name = "$course$/top/casuslab/" + spec["title"].replace("/", "//")
    return ['    <question type="category">', f"      <category><text>{html.escape(name, quote=False)}</text></category>",
            "    </question>"]


def moodle_xml(specs: list[dict]) -> bytes:
    """One Moodle XML quiz file with every question of ``specs`` (a category per scenario)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    for spec in specs:
        lines += _category(spec)
        for item in items_of([spec]):
            lines += WRITERS[item.kind](item)
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode("utf-8")
