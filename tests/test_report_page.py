"""The class report page from a hand-built cohort (no nbgrader): escaping, no URLs, flags, empty cohorts."""

from __future__ import annotations

import copy
import re

from casuslab.report.collect import Cohort, Scenario, StudentRecord
from casuslab.report.page import render
from test_report_stats import SINGLE, _cohort

HOSTILE = '<img src=x onerror=alert(1)>'


def test_every_text_is_escaped_and_nothing_points_outside():
    cohort = _cohort()
    cohort.students[0].first_name = HOSTILE
    question = copy.deepcopy(SINGLE)
    question["options"][0]["text"] = '<script>alert("optie")</script>'
    cohort.items[0].question = question
    cohort.items[0].prompt = "<b>vraag</b> & meer"
    text = render(cohort)
    assert HOSTILE not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script" not in text and "&lt;script&gt;alert(&quot;optie&quot;)&lt;/script&gt;" in text
    assert "<b>vraag</b>" not in text and "&lt;b&gt;vraag&lt;/b&gt; &amp; meer" in text
    assert not re.search(r"https?://", text)
    assert render(cohort) == text


def test_prompts_and_options_are_markdown_like_the_student_sees_them():
    """A scenario's **bold** prompt or option is rendered, not shown as raw asterisks; raw HTML stays text."""
    cohort = _cohort()
    question = copy.deepcopy(SINGLE)
    question["options"][1]["text"] = "Het is een **spreekrecht** <u>geen plicht</u>"
    cohort.items[0].question = question
    cohort.items[0].prompt = "Welke signalen vragen **nog vandaag** actie?"
    text = render(cohort)
    assert "**" not in text
    assert "Welke signalen vragen <strong>nog vandaag</strong> actie?" in text
    assert "b: Het is een <strong>spreekrecht</strong> &lt;u&gt;geen plicht&lt;/u&gt;" in text
    assert "<u>" not in text


def test_flagged_items_are_marked_and_explained():
    text = render(_cohort())
    rows = re.findall(r'<tr class="flag">(.*?)</tr>', text)
    assert len(rows) == 1 and "casus/a" in rows[0] and "onderscheidt zwak: E &lt; 15 %" in rows[0]
    assert "9,1" in rows[0] and "6,8" in rows[0] and "60,0" in rows[0]   # E, D and F of item A, Dutch notation


def test_a_cohort_without_submissions_still_gives_a_page():
    spec = {"id": "casus", "title": "Casus", "stages": [{"id": "een", "questions": [SINGLE]}]}
    cohort = Cohort("leeg", None, [Scenario("casus", "casus", "Casus", spec, 1.0)], [],
                    [StudentRecord("s1", "Ann", "Peeters")])
    text = render(cohort)
    assert "Nog geen beoordeelde inzendingen." in text and "niet ingediend" in text
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_numbers_are_dutch_and_rounded_half_up_like_the_other_outputs():
    from casuslab.report.page import num

    assert [num(12.25), num(0.125, 2), num(-2.15), num(-0.04), num(60), num(2.5, 0), num(None)] == [
        "12,3", "0,13", "-2,2", "0,0", "60,0", "3", "–"]
