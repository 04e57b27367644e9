"""nbgrader's collect, refusing submissions that are not the student's own (pitfall 3).

``deploy/setup.sh`` plugs this in for every nbgrader collect on the installation
(``casuslab collect``, ``nbgrader collect`` and formgrader's button alike) through
the global nbgrader config:

    c.ExchangeFactory.collect = "casuslab.hub.collect.OwnerCheckedCollect"

It chooses, per student, the newest submission whose folder (and everything in it)
belongs to that student, exactly as nbgrader chooses the newest one otherwise, due
date included. Every refused folder is logged as an ERROR line naming the student,
the folder and its real owner; the folder stays in the exchange for the lecturer.

A simulation in which one account plays every student (``casuslab demo``) switches
the check off with ``CollectApp.check_owner = False`` (or ``ExchangeCollect.check_owner``);
only the lecturer's own config can do that, never a student.
"""

from __future__ import annotations

import glob
import os

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode

from casuslab.hub.integrity import check_submission_owner


class OwnerCheckedCollect(ExchangeCollect):
    refused: list

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail("You don't have read permissions for the directory: {}".format(self.inbound_path))
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(student_id, self.coursedir.assignment_id))
        records, self.refused = [], []
        checking = self.check_owner and self.config.CollectApp.get("check_owner", True) is not False
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            problem = check_submission_owner(path, record["username"]) if checking else None
            if problem:
                self.refused.append((record["username"], path, problem))
                self.log.error("REFUSED submission (not the student's own): %s", problem)
            else:
                records.append(record)
        usergroups = groupby(records, lambda item: item["username"])
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        if self.duedate is None or not self.before_duedate:
            self.src_records = [self._sort_by_timestamp(v)[0] for v in usergroups.values()]
        else:
            self.src_records = []
            for v in usergroups.values():
                ordered = self._sort_by_timestamp(v)
                before = [r for r in ordered if r["timestamp"] <= self.duedate]
                self.src_records.append(before[0] if before else ordered[0])
