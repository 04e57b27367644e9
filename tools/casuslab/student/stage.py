"""One stage of a case: its story, its questions, the Indienen button and what follows."""

from __future__ import annotations

import ipywidgets as w

from casuslab.student import feedback, kit
from casuslab.student.markup import esc, markdown
from casuslab.student.questions import VIEWS, QuestionView

CLOSED, SKIPPED, OPEN, SUBMITTED = "closed", "skipped", "open", "submitted"


class StageView:
    """The widgets of one stage; ``update()`` redraws them for the case's current state."""

    def __init__(self, case, stage_id: str):
        self.case = case
        self.stage_id = stage_id
        self.index = case.index[stage_id]
        self.stage = case.spec["stages"][self.index]
        self.box = kit.vbox(css="casuslab-stage")
        self.questions: list[QuestionView] | None = None
        self.confirm_box: w.VBox | None = None
        self.placeholder: w.HTML | None = None
        self.state = ""
        self.confirming = False

    # building ----------------------------------------------------------------

    def _build(self) -> None:
        case, _ = self.case, self.case.gettext
        answers = case.store.answers
        self.questions = []
        for n, question in enumerate(self.stage.get("questions") or [], start=1):
            view_class = VIEWS.get(question.get("type"))
            if view_class is not None:
                self.questions.append(view_class(case, question, n, answers.get(question["id"]), case.changed))
        self.header = kit.html()  # kicker, title and story
        self.submit_button = kit.button(_("Submit"), _("Submit this part: your answers are then locked"),
                                        button_style="primary", icon="check")
        self.submit_button.on_click(case.guarded(lambda b: self.ask_confirmation()))
        self.result = kit.html()

    def _confirm_box(self) -> w.VBox:
        """The confirmation step, built the first time the student presses Submit."""
        if self.confirm_box is None:
            _ = self.case.gettext
            self.confirm_text = kit.html()
            self.yes_button = kit.button(_("Yes, submit"), button_style="danger")
            self.no_button = kit.button(_("Back to my answers"))
            self.yes_button.on_click(self.case.guarded(lambda b: self.case.submit(self)))
            self.no_button.on_click(self.case.guarded(lambda b: self.cancel_confirmation()))
            self.confirm_box = kit.vbox([self.confirm_text, kit.hbox([self.yes_button, self.no_button])],
                                        css="casuslab-confirm")
        return self.confirm_box

    def unanswered(self) -> int:
        return sum(1 for q in self.questions or [] if not q.answered() and q.kind != "order")

    # state -------------------------------------------------------------------

    def ask_confirmation(self) -> None:
        _ = self.case.gettext
        missing = self.unanswered()
        text = _("Submit this part? Afterwards you can no longer change these answers.")
        if missing:
            text += " " + self.case.ngettext("{n} question has no answer yet.",
                                             "{n} questions have no answer yet.", missing).format(n=missing)
        self._confirm_box()
        self.confirm_text.value = f"<p>{esc(text)}</p>"
        self.confirming = True
        self.update()
        self.yes_button.focus()

    def cancel_confirmation(self) -> None:
        self.confirming = False
        self.update()
        self.submit_button.focus()

    def update(self) -> None:
        """Redraw for the case's state (closed, skipped, open or submitted)."""
        case, _ = self.case, self.case.gettext
        state = case.state_of(self.stage_id)
        children: list[w.Widget] = []
        self.box.remove_class("casuslab-closed")
        if state in (CLOSED, SKIPPED):
            self.box.add_class("casuslab-closed")
            text = _("This part opens once you have submitted the previous part.") if state == CLOSED else \
                _("This part is not on your path through the case.")
            if self.placeholder is None:
                self.placeholder = kit.html()
            self.placeholder.value = f'<p class="casuslab-placeholder">{esc(text)}</p>'
            children.append(self.placeholder)
            self.box.children = children
            self.state = state
            return
        if self.questions is None:
            self._build()
        position = case.position(self.stage_id)
        kicker = _("Part {n}").format(n=position) if position else ""
        header = (f'<p class="casuslab-kicker">{esc(kicker)}</p><h2>{esc(self.stage.get("title"))}</h2>'
                  f'<div class="casuslab-story">{markdown(self.stage.get("text"))}</div>')
        if self.header.value != header:
            self.header.value = header
        children += [self.header] + [q.box for q in self.questions]
        if state == OPEN:
            children.append(self._confirm_box() if self.confirming else self.submit_button)
        else:
            self.confirming = False
            if self.state != SUBMITTED:
                self.show_submitted()
            children.append(self.result)
        if case.frontier() == self.stage_id:
            children.append(case.statusbar)
        self.box.children = children
        self.state = state

    def show_submitted(self) -> None:
        """Lock the answers, show practice feedback, the consequences and what comes next."""
        case, _ = self.case, self.case.gettext
        answers = case.store.answers
        for q in self.questions or []:
            q.lock()
            if case.practice:
                q.feedback.value = feedback.practice_feedback(case, q.q, answers.get(q.qid))
        locked = _("Submitted: your answers in this part are locked.")
        parts = [f'<p class="casuslab-locked">✓ {esc(locked)}</p>',
                 feedback.consequence_html(case, feedback.consequences(self.stage, answers))]
        following = case.following(self.stage_id)
        if following is None:
            the_end = _("This is the end of the case.")
            parts.append(f'<p class="casuslab-next">{esc(the_end)}</p>')
            if case.practice:
                parts.append(feedback.end_summary(case, case.spec, answers))
        else:
            title = case.spec["stages"][case.index[following]].get("title", "")
            read_on = _("Read on below: {title}").format(title=title)
            parts.append(f'<p class="casuslab-next">{esc(read_on)} ↓</p>')
        self.result.value = "".join(parts)
