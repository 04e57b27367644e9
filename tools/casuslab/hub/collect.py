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

Each chosen submission is then copied by ``casuslab.hub.safecopy`` (issue 9): entries
opened without following links, regular files and folders of the student only, within
the size limits; a named pipe, a link swapped in after the check, an oversized file is
skipped and reported, and one submission that cannot be copied at all is reported while
the rest of the class is collected. The copy goes to a new folder that replaces the
previous collection of that student only when it is complete. Every refusal and skip is
one log line ``OVERGESLAGEN {json}`` (``Skip.to_log``), from which ``casuslab collect``
prints its table.

The copy also gets ``.casuslab-collected.json`` (``safecopy.write_collected``): the newest
inode change time of the submission in the exchange, which a student cannot set back, so
``casuslab grade`` sees a backdated ``timestamp.txt`` (``casuslab.grade.intake``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import check_mode

from casuslab.hub import safecopy
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
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            problem = check_submission_owner(path, record["username"]) if self.checking else None
            if problem:
                self.refused.append((record["username"], path, problem))
                self.log.error("GEWEIGERD (niet de eigen inzending van de student): %s", problem)
                name = os.path.basename(path)
                reason = problem[len(name) + 2:] if problem.startswith(name + ": ") else problem
                self.log.warning(safecopy.Skip(record["username"], name,
                                               f"geweigerd, niet de eigen inzending: {reason}").to_log())
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

    @property
    def checking(self) -> bool:
        return bool(self.check_owner) and self.config.CollectApp.get("check_owner", True) is not False

    def copy_files(self):
        """nbgrader's copy_files, per student: copied safely, and one failure never stops the class."""
        self.skipped: list[safecopy.Skip] = []
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect",
                             self.coursedir.assignment_id, self.coursedir.course_id)
        for rec in self.src_records:
            try:
                self._collect_one(rec)
            except Exception as exc:  # noqa: BLE001 - reported, and the next student is collected
                reason = str(exc) if isinstance(exc, safecopy.CopyError) else f"niet opgehaald: {exc}"
                self.skipped.append(safecopy.Skip(rec["username"], rec["filename"], reason))
        for skip in self.skipped:
            self.log.warning(skip.to_log())

    def _collect_one(self, rec: dict) -> None:
        student, assignment = rec["username"], self.coursedir.assignment_id
        src_path = os.path.join(self.inbound_path, rec["filename"])
        dest_path = self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        os.makedirs(os.path.dirname(dest_path), exist_ok=True)
        exists = os.path.isdir(dest_path)
        if exists:
            old = self.coursedir.get_existing_timestamp(dest_path)
            newer = self.update and (old is None or rec["timestamp"] > old)
            if not (newer or (self.before_duedate and old != rec["timestamp"])):
                self.log.info("No newer submission to collect: %s %s" if self.update else
                              "Submission already exists, use --update to update: %s %s", student, assignment)
                return
        self.log.info("%s submission: %s %s", "Updating" if exists else "Collecting", student, assignment)
        uid = pwd.getpwnam(student).pw_uid if self.checking else None
        fresh = dest_path + ".casuslab-new"
        if os.path.lexists(fresh):
            shutil.rmtree(fresh)
        try:
            skips, changed_ns = safecopy.copy_and_time(
                src_path, fresh, student, owner_uid=uid, exclude=self.coursedir.ignore,
                include=self.coursedir.include,
                max_file=_limit(safecopy.MAX_FILE_BYTES, self.coursedir.max_file_size),
                max_total=_limit(safecopy.MAX_SUBMISSION_BYTES, self.coursedir.max_dir_size))
            claimed = rec["timestamp"]
            safecopy.write_collected(fresh, claimed.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
                                     if hasattr(claimed, "strftime") else str(claimed), changed_ns)
            if exists:
                shutil.rmtree(dest_path)
            os.rename(fresh, dest_path)
        finally:
            if os.path.lexists(fresh):
                shutil.rmtree(fresh, ignore_errors=True)
        self.skipped.extend(skips)


def _limit(ours: int, nbgrader_kb) -> int:
    """casuslab's limit, or nbgrader's (CourseDirectory.max_file_size / max_dir_size, in kB) when stricter."""
    return min(ours, 1000 * nbgrader_kb) if nbgrader_kb else ours
