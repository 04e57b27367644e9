"""Acceptance review of issue 9 (items 1-13): inputs the first fixes' tests did not try."""

from __future__ import annotations

import json

import pytest

from casuslab.student.answers import AnswersStore


# -- item 10: a tampered saved_at never blocks saving ------------------------------------------------


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00", "0001-01-01T05:00:00", "9999-12-31T23:59:59-14:00",
                                   "0001-01-01T00:00:00+14:00"])
def test_a_stamp_at_the_edge_of_the_calendar_does_not_stop_saving(tmp_path, stamp):
    path = tmp_path / "x.answers.json"
    path.write_text(json.dumps({"format": "casuslab/answers-v1", "scenario": "x", "submitted_stages": [],
                                "answers": {"a": "oud", "b": "oud"}, "saved_at": {"a": stamp, "b": stamp}}),
                    encoding="utf-8")
    store = AnswersStore(tmp_path, "x")
    store.load()
    assert store.set("b", "nieuw") is not None
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["answers"] == {"a": "oud", "b": "nieuw"}
