"""The feedback page renders a trainer's Markdown (model answer) through the one renderer, safely."""

from __future__ import annotations

from casuslab.grade.feedback import _rubric_html

QUESTION = {
    "id": "motivering",
    "type": "open",
    "rubric": [{"id": "kader", "criterion": "Wettelijk kader", "levels": {0: "niet vermeld", 1: "genoemd"}}],
    "model_answer": "Ik beroep me op mijn **zwijgplicht** (art. 458 Sw.).\n\n- eerst de cliënt\n- <script>x</script>",
}


def test_model_answer_markdown_is_rendered_and_escaped():
    html = _rubric_html(QUESTION, None, None, [])
    assert "<strong>zwijgplicht</strong>" in html and "**" not in html
    assert "<li>eerst de cliënt</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
