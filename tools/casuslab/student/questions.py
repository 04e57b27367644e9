"""One ipywidgets control per question type, each with a visible label and an accessible name.

A view gets the question (spec dict), the saved value and a ``changed(qid, value,
typing)`` callback. It never writes itself: the case decides when to save. Values
are set before observers are attached, so restoring never triggers a save.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, Callable

import ipywidgets as w

from casuslab.student import kit
from casuslab.student.markup import esc, markdown

Changed = Callable[[str, Any, bool], None]


def shuffled_items(scenario_id: str, question: dict) -> list[str]:
    """The start order of an ``order`` question: the same for every student, never the key.

    ``casuslab.build.studentspec.shuffled_items`` uses the same algorithm for exam files.
    """
    key = [item["id"] for item in question.get("items", [])]
    if question.get("shuffled"):  # an exam file lists the items in the start order already
        return key
    seed = hashlib.sha256(f"{scenario_id}/{question['id']}".encode()).hexdigest()
    order = list(key)
    random.Random(seed).shuffle(order)
    if order == key and len(key) > 1:
        order = order[1:] + order[:1]
    return order


def shuffled_options(seed: str | None, scenario_id: str, question: dict) -> list[dict]:
    """The options of a ``single`` or ``multiple`` question in this student's order.

    The order follows from the student's ``shuffle_seed`` (kept in the answers file), so
    it is the same after every reload and differs between students. Without a seed the
    options keep the scenario's order.
    """
    options = list(question.get("options", []))
    if seed:
        digest = hashlib.sha256(f"{seed}/{scenario_id}/{question['id']}".encode()).hexdigest()
        random.Random(digest).shuffle(options)
    return options


class QuestionView:
    """The common part: a card with the question's head, prompt, control and feedback."""

    kind = ""

    def __init__(self, ctx, question: dict, number: int, value: Any, changed: Changed):
        self.ctx = ctx
        self.q = question
        self.qid = question["id"]
        self.changed = changed
        self.touched = value is not None
        _ = ctx.gettext
        points = ctx.points(question)
        head = _("Question {number}").format(number=number)
        if points:
            head += " · " + ctx.ngettext("{n} point", "{n} points", points).format(n=ctx.number(points))
        self.head = kit.html(f'<p class="casuslab-question-head">{esc(head)}</p>'
                             f'<div class="casuslab-prompt">{markdown(question.get("prompt"))}</div>')
        self._feedback: w.HTML | None = None
        self.control = self.build(value)
        self.box = kit.vbox([self.head, self.control], css=f"casuslab-question casuslab-q-{self.kind}")

    @property
    def feedback(self) -> w.HTML:
        """Where practice feedback goes; added to the card the first time it is needed."""
        if self._feedback is None:
            self._feedback = kit.html("", css="casuslab-feedback")
            self.box.children = (*self.box.children, self._feedback)
        return self._feedback

    def build(self, value: Any) -> w.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def answered(self) -> bool:
        return self.value() is not None

    def lock(self) -> None:
        for widget in self.inputs():
            widget.disabled = True

    def inputs(self) -> list[w.Widget]:
        return [self.control]

    def _emit(self, typing: bool = False) -> None:
        self.touched = True
        self.changed(self.qid, self.value(), typing)


class SingleView(QuestionView):
    kind = "single"

    def build(self, value):
        options = shuffled_options(getattr(self.ctx, "seed", None), self.ctx.scenario_id, self.q)
        self.ids = [o["id"] for o in options]
        labels = [o["text"] for o in options]
        self.radio = w.RadioButtons(options=list(zip(labels, range(len(labels)))), index=None,
                                    layout=kit.layout(), style=kit.style(w.RadioButtons),
                                    description_allow_html=False)
        if value in self.ids:
            self.radio.index = self.ids.index(value)
        self.radio.observe(lambda change: self._emit(), "index")
        return self.radio

    def value(self):
        return None if self.radio.index is None else self.ids[self.radio.index]


class MultipleView(QuestionView):
    kind = "multiple"

    def build(self, value):
        chosen = set(value) if isinstance(value, list) else set()
        self.boxes: list[tuple[str, w.Checkbox]] = []
        for option in shuffled_options(getattr(self.ctx, "seed", None), self.ctx.scenario_id, self.q):
            box = w.Checkbox(value=option["id"] in chosen, description=option["text"], indent=False,
                             description_allow_html=False, layout=kit.layout(), style=kit.style(w.Checkbox))
            self.boxes.append((option["id"], box))
        for _, box in self.boxes:
            box.observe(lambda change: self._emit(), "value")
        return kit.vbox([box for _, box in self.boxes])

    def value(self):
        if not self.touched:
            return None
        chosen = {oid for oid, box in self.boxes if box.value}
        return [o["id"] for o in self.q.get("options", []) if o["id"] in chosen]  # the scenario's order

    def inputs(self):
        return [box for _, box in self.boxes]


class OrderView(QuestionView):
    """Items in rows with up/down buttons; the rows stay, the texts move, focus follows."""

    kind = "order"

    def build(self, value):
        _ = self.ctx.gettext
        self.texts = {item["id"]: item["text"] for item in self.q.get("items", [])}
        key = list(self.texts)
        if isinstance(value, list) and sorted(value) == sorted(key) and len(set(value)) == len(key):
            self.order = list(value)
        else:
            self.order = shuffled_items(self.ctx.scenario_id, self.q)
        self.rows: list[tuple[w.HTML, w.Button, w.Button]] = []
        self.locked = False
        for i in range(len(self.order)):
            text_html, up_tip, down_tip, up_off, down_off = self.row_state(i)
            text = kit.html(text_html, css="casuslab-order-text", flex="1 1 auto", width="auto")
            up = kit.button("↑ " + _("Up"), up_tip, disabled=up_off)
            down = kit.button("↓ " + _("Down"), down_tip, disabled=down_off)
            up.on_click(lambda b, i=i: self.move(i, -1))
            down.on_click(lambda b, i=i: self.move(i, +1))
            self.rows.append((text, up, down))
        return kit.vbox([kit.hbox(row, css="casuslab-order-row") for row in self.rows])

    def row_state(self, i: int) -> tuple[str, str, str, bool, bool]:
        """Row ``i``: its HTML, the two buttons' tooltips and whether each is disabled."""
        _ = self.ctx.gettext
        label = self.texts[self.order[i]]
        html = f'<span class="casuslab-order-pos">{i + 1}.</span> {esc(label)}'
        return (html, _("Move up: {item}").format(item=label), _("Move down: {item}").format(item=label),
                self.locked or i == 0, self.locked or i == len(self.order) - 1)

    def refresh(self) -> None:
        for i, (text, up, down) in enumerate(self.rows):
            text.value, up.tooltip, down.tooltip, up.disabled, down.disabled = self.row_state(i)

    def move(self, i: int, step: int) -> None:
        j = i + step
        if self.locked or not 0 <= j < len(self.order):
            return
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self.refresh()
        target = self.rows[j][1 if step < 0 else 2]
        if target.disabled:  # reached the top or bottom: keep focus on the other button
            target = self.rows[j][2 if step < 0 else 1]
        target.focus()
        self._emit()

    def value(self):
        return list(self.order) if self.touched else None

    def lock(self) -> None:
        self.locked = True
        self.refresh()

    def inputs(self):
        return [b for _, up, down in self.rows for b in (up, down)]


class ScaleView(QuestionView):
    kind = "scale"

    def build(self, value):
        _ = self.ctx.gettext
        lo, hi = int(self.q["min"]), int(self.q["max"])
        labels = {int(k): v for k, v in (self.q.get("labels") or {}).items()}
        self.values = list(range(lo, hi + 1))
        names = [f"{v} · {labels[v]}" if v in labels else str(v) for v in self.values]
        self.buttons = w.ToggleButtons(options=list(zip(names, self.values)), index=None,
                                       tooltips=[_("Choose {value}").format(value=n) for n in names],
                                       style=kit.style(w.ToggleButtons, button_width="auto"),
                                       layout=kit.layout(), _dom_classes=("casuslab-scale",))
        if isinstance(value, int) and not isinstance(value, bool) and value in self.values:
            self.buttons.value = value
        self.buttons.observe(lambda change: self._emit(), "value")
        legend = _("Choose a value from {lo} to {hi}.").format(lo=lo, hi=hi)
        self.legend = kit.html(f'<span class="casuslab-scale-legend">{esc(legend)}</span>')
        return kit.vbox([self.buttons, self.legend])

    def value(self):
        return self.buttons.value

    def inputs(self):
        return [self.buttons]


class OpenView(QuestionView):
    kind = "open"

    def build(self, value):
        _ = self.ctx.gettext
        self.words = self.q.get("words")
        self.text = w.Textarea(value=value if isinstance(value, str) else "", rows=8,
                               description=_("Your answer"), placeholder=_("Write your answer here."),
                               continuous_update=True, layout=kit.layout(width="100%", flex_flow="column"),
                               style=kit.style(w.Textarea, description_width="initial"))
        self.count = kit.html("")
        self.update_count()
        self.text.observe(self._typed, "value")
        return kit.vbox([self.text, self.count])

    def _typed(self, change) -> None:
        self.update_count()
        self._emit(typing=True)

    def update_count(self) -> None:
        n = len(self.text.value.split())
        shown = self.ctx.ngettext("{n} word", "{n} words", n).format(n=n)
        off = False
        if isinstance(self.words, list) and len(self.words) == 2:
            lo, hi = self.words
            shown += " · " + self.ctx.gettext("aim for {lo} to {hi} words").format(lo=lo, hi=hi)
            off = n > 0 and not lo <= n <= hi
        css = "casuslab-words casuslab-words-off" if off else "casuslab-words"
        self.count.value = f'<span class="{css}">{esc(shown)}</span>'

    def value(self):
        return self.text.value if self.touched else None

    def answered(self) -> bool:
        return bool(self.text.value.strip())

    def inputs(self):
        return [self.text]


VIEWS = {"single": SingleView, "multiple": MultipleView, "order": OrderView, "scale": ScaleView, "open": OpenView}
