"""Grading: read answers files, score with casuslab.scoring, write nbgrader's gradebook, report."""
