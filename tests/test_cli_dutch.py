"""Lecturers and trainers read the command help: every command's and option's own text is Dutch."""

from __future__ import annotations

import re

import typer

from casuslab.cli import app

ENGLISH = {"the", "or", "and", "with", "default", "file", "files", "folder", "folders", "only", "write", "build",
           "check", "how", "many", "one", "against", "into", "print", "where", "here", "not"}


def _texts():
    group = typer.main.get_command(app)
    yield "casuslab", group.help or ""
    for name, command in group.commands.items():
        yield name, command.help or ""
        for param in command.params:
            yield f"{name} {param.name}", getattr(param, "help", None) or ""


def test_every_help_text_is_dutch():
    english = {where: sorted(set(re.findall(r"[a-z]+", text.lower())) & ENGLISH)
               for where, text in _texts()}
    assert {where: words for where, words in english.items() if words} == {}


def test_every_command_has_help():
    assert [where for where, text in _texts() if " " not in where and not text.strip()] == []
