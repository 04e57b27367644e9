"""The one translation layer for what trainers and lecturers read (lint, build, new, lab).

It uses the same gettext domain and catalogues as the student runtime
(``casuslab.student.i18n``, kept there because that runtime may import nothing
outside the standard library and its own package). Message ids are English;
``nl`` (Flemish usage) is the default, ``fr`` and ``en`` the others. The command
line picks the language from the environment variable ``CASUSLAB_LANG``.
Standard library only.
"""

from __future__ import annotations

import errno
import os

from casuslab.student.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator

ENV_VAR = "CASUSLAB_LANG"

__all__ = ["ENV_VAR", "LANGUAGES", "N_", "_", "cli_language", "ngettext", "os_reason"]


def cli_language() -> str:
    """The language of command-line messages: ``CASUSLAB_LANG`` (nl, fr or en; ``nl`` otherwise).

    Values such as ``fr_BE.UTF-8`` or ``EN`` count as their language.
    """
    raw = os.environ.get(ENV_VAR, "").strip().lower()
    lang = raw.replace("-", "_").split("_")[0].split(".")[0]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _(message: str) -> str:
    """``message`` (an English msgid) in the command line's language."""
    return translator(cli_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator(cli_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction only; translate it with ``_`` where it is shown."""
    return message


# The operating system's reasons (strerror is English, from the C library) by errno.
_OS_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EEXIST: N_("it already exists"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ELOOP: N_("too many symbolic links"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EMFILE: N_("too many open files"),
    errno.EIO: N_("input/output error of the disk"),
    errno.EBUSY: N_("the file is in use"),
    errno.ENXIO: N_("no such device"),
    errno.EINVAL: N_("invalid argument"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.EXDEV: N_("it lies on another disk"),
}


def os_reason(exc: OSError) -> str:
    """Why an OSError happened, in the command line's language (strerror for rare errors)."""
    known = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if known is not None:
        return _(known)
    return exc.strerror or _("unknown error of the operating system")


# what the command line prints on Ctrl+C (cli.py is not among the extracted folders)
INTERRUPTED = N_("interrupted")
