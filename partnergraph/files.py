"""Writing files so that a failure leaves nothing half-written, and saying why a file failed.

Every file partnergraph writes (exports, maps, charts, templates, rejected rows) goes through
:func:`atomic_file` or :func:`atomic_folder`: the data goes to a temporary name beside the
target, which is renamed over the target only once everything is written. A full disk, a
read-only folder or an interruption leaves the old target (or none) and no partial file.

:func:`os_error_text` names an operating-system error in the user's language (Python's
``strerror`` is English only), and :func:`cannot_write` turns it into one clear error with
what to do.

    >>> import errno
    >>> from partnergraph.i18n import use_language
    >>> with use_language("pl"):
    ...     os_error_text(OSError(errno.ENOSPC, "No space left on device"))
    'brak miejsca na dysku'
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg, register_messages

__all__ = ["atomic_file", "atomic_folder", "cannot_write", "os_error_text", "write_text_atomic"]

_ERRNO = {
    errno.ENOENT: "files.enoent",
    errno.EACCES: "files.eacces",
    errno.EPERM: "files.eacces",
    errno.EROFS: "files.erofs",
    errno.ENOSPC: "files.enospc",
    errno.EDQUOT: "files.edquot",
    errno.EISDIR: "files.eisdir",
    errno.ENOTDIR: "files.enotdir",
    errno.EEXIST: "files.eexist",
    errno.EIO: "files.eio",
    errno.ENAMETOOLONG: "files.enametoolong",
    errno.EFBIG: "files.efbig",
}
_HINTS = {
    "files.enospc": "files.hint.space",
    "files.edquot": "files.hint.space",
    "files.efbig": "files.hint.space",
    "files.eacces": "files.hint.rights",
    "files.erofs": "files.hint.rights",
    "files.enoent": "files.hint.folder",
    "files.enotdir": "files.hint.folder",
}

register_messages(
    {
        "files.enoent": "no such file or folder",
        "files.eacces": "permission denied",
        "files.erofs": "the file system is read-only",
        "files.enospc": "no space left on the disk",
        "files.edquot": "disk quota exceeded",
        "files.eisdir": "this is a folder, not a file",
        "files.enotdir": "a part of the path is not a folder",
        "files.eexist": "already exists",
        "files.eio": "disk input/output error",
        "files.enametoolong": "file name too long",
        "files.efbig": "file too large for this file system",
        "files.cannot_write": "cannot write {path}: {detail}",
        "files.hint.space": "free some disk space or write somewhere else; no partial file was left",
        "files.hint.rights": "choose a folder you can write to, or change the permissions",
        "files.hint.folder": "check that the folder exists",
        "files.exists": "{path} exists and is not empty",
        "files.exists.hint": "give another folder or add --force",
    }
)


def os_error_text(exc: OSError) -> str:
    """What went wrong, in the current language (``brak miejsca na dysku``), else Python's own text."""
    message = _ERRNO.get(exc.errno or -1)
    if message:
        return str(Msg(message))
    return str(exc.strerror or exc)


def cannot_write(path: Path | str, exc: OSError) -> ConfigError:
    """One error for a file that could not be written: the path, the reason and what to do."""
    hint = _HINTS.get(_ERRNO.get(exc.errno or -1, ""))
    return ConfigError(
        Msg("files.cannot_write", path=path, detail=os_error_text(exc)), hint=Msg(hint) if hint else None
    )


def _mode(target: Path) -> int:
    """The permissions a new file gets (0666 less the umask), or the existing target's."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_file(target: Path | str) -> Iterator[Path]:
    """A fresh temporary path beside ``target``, renamed to ``target`` when the block succeeds.

    The block writes the file at the path it is given (in any way: ``open``, a library's
    ``save``). On any failure the temporary file is removed and ``target`` is untouched; an
    :class:`OSError` (full disk, no rights) becomes :func:`cannot_write`'s error.
    """
    target = Path(target)
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        yield temporary
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def write_text_atomic(target: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``target`` through :func:`atomic_file`."""
    with atomic_file(target) as partial, partial.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    return Path(target)


@contextmanager
def atomic_folder(target: Path | str, *, force: bool = False, merge: bool = False) -> Iterator[Path]:
    """A fresh temporary folder beside ``target`` that becomes ``target`` when the block succeeds.

    An existing non-empty ``target`` is refused unless ``force``. With ``force`` it is replaced
    as a whole at the end, or, with ``merge``, the new files are moved into it one by one (other
    files in it are kept). Nothing is left behind when the block fails.
    """
    target = Path(target)
    if target.exists() and not force and (target.is_file() or any(target.iterdir())):
        raise ConfigError(Msg("files.exists", path=target), hint=Msg("files.exists.hint"))
    temporary = target.with_name(f".{target.name}.part-{secrets.token_hex(3)}")
    try:
        temporary.mkdir(parents=True)
        yield temporary
        if merge and target.is_dir():
            for item in sorted(temporary.iterdir()):
                os.replace(item, target / item.name)
            return
        old = target.with_name(f".{target.name}.old-{secrets.token_hex(3)}")
        if target.exists():
            os.replace(target, old)
        os.replace(temporary, target)
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
