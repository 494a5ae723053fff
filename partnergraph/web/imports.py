"""The import page for admins: upload a file, read the dry run's report, confirm, import.

``POST /import`` saves the upload into a private folder of its own under the instance folder
(``INSTANCE_PATH/uploads/<random token>/``, mode 0700; the file keeps the user's name, made
safe with :func:`werkzeug.utils.secure_filename`), runs
:func:`~partnergraph.importers.run.run_import` with ``dry_run=True`` and shows what would
change and every problem with its place. The form takes the options of ``partnergraph import``
that make sense in a browser: skip invalid rows (``--skip-invalid``), a GraphML/GEXF attribute
mapping uploaded beside the file (``--mapping``, saved in the same folder as ``mapping.json``)
and applying an older TERYT/KRS register state (``--allow-older``). The options are kept with
the upload (``upload.json``), shown on the report and used again by the confirm. The confirm
button posts back only the token: the server never takes a path or an option from the client
then, and the file it imports is the one it checked, with the settings it was checked with.
Confirming renames the token's folder first (atomic), so a second confirm of the same token —
a double click, a reload — finds nothing and imports nothing. The folder is deleted after the
import, after a refused dry run, on cancel, and by any visit to these pages once it is older
than ``IMPORT_UPLOAD_TTL`` seconds (default :data:`UPLOAD_TTL`). A token belongs to the admin
who uploaded the file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.i18n import Msg, register_messages, t
from partnergraph.importers.graphml import GraphMapping
from partnergraph.importers.run import FORMATS, ImportFailed, ImportReport, run_import
from partnergraph.web.access import requires
from partnergraph.web.handlers import size_text
from partnergraph.web.store import get_store

__all__ = ["UPLOADS", "UPLOAD_TTL", "Outcome", "Upload", "bp", "disk_name"]

bp = Blueprint("imports", __name__, url_prefix="/import")
UPLOADS = "uploads"
"""The folder of pending uploads, inside the instance folder."""
UPLOAD_TTL = 3600
"""Seconds an upload waits for its confirmation."""
_CLAIMED = ".claimed-"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")
_LATIN = str.maketrans({"ł": "l", "Ł": "L"})  # the one Polish letter NFKD does not reduce to ASCII
_META = "upload.json"
_MAPPING = "mapping.json"

register_messages(
    {
        "web.nav.import": "Import",
        "web.import.title": "Data import",
        "web.import.intro": "Choose a file: it is checked in full first (nothing is written), then you see what "
        "would change and confirm the import.",
        "web.import.file": "File (CSV, XLSX, Kumu, JSON Lines, TERYT, PKD, KRS JSON, GraphML, GEXF, RDF)",
        "web.import.limit": "The largest file allowed: {limit}.",
        "web.import.format": "Format",
        "web.import.guess": "tell from the file",
        "web.import.skip": "skip invalid rows (import only the valid ones)",
        "web.import.mapping": "GraphML/GEXF attribute mapping (a JSON file, optional)",
        "web.import.mapping_help": "Maps the file's attributes to node types, kinds, tie types and properties "
        "(as --mapping of partnergraph import); other formats do not use it.",
        "web.import.allow_older": "allow a TERYT/KRS register state older than the stored one",
        "web.import.older_hint": "download a newer file or, to load the older state on purpose, tick “allow an older register state”",
        "web.import.settings": "Import settings: {settings}.",
        "web.import.with_mapping": "attribute mapping {name}",
        "web.import.with_older": "an older register state allowed",
        "web.import.with_skip": "invalid rows skipped",
        "web.import.check": "Check the file",
        "web.import.no_file": "Choose a file to import.",
        "web.import.gone": "This import was already run, cancelled or has expired; nothing was written. Upload the file again.",
        "web.import.dry_title": "Check of the file {name}",
        "web.import.done_title": "Imported {name}",
        "web.import.failed_title": "Import rejected: {name}",
        "web.import.dry_note": "This was a dry run: nothing was written. Confirm to import the same file with the same settings.",
        "web.import.nothing": "Nothing was written.",
        "web.import.records": "Records in the file: {records}; rejected: {rejected}. Format: {format}.",
        "web.import.counts": "Changes",
        "web.import.would": "What would change",
        "web.import.entity": "records",
        "web.import.nodes": "nodes",
        "web.import.ties": "ties",
        "web.import.total": "total",
        "web.import.created": "new",
        "web.import.updated": "updated",
        "web.import.unchanged": "unchanged",
        "web.import.problems": "Problems ({n})",
        "web.import.notices": "Notes ({n})",
        "web.import.place": "place",
        "web.import.problem": "problem",
        "web.import.fix": "how to fix",
        "web.import.more": "… and {n} more (the first {shown} are shown).",
        "web.import.skipped": "The rows with problems will be skipped, the others imported.",
        "web.import.skipped_done": "The rows with problems were skipped (listed above).",
        "web.import.confirm": "Confirm the import",
        "web.import.cancel": "Cancel",
        "web.import.cancelled": "The import was cancelled; the uploaded file was deleted.",
        "web.import.version": "Write version {version}; in the change log: {source}.",
        "web.import.unchanged_store": "The store is unchanged (write version still {version}).",
        "web.import.see_changes": "See the change log",
        "web.import.again": "Import another file",
        "web.import.failed_hint": "fix the file, or tick “skip invalid rows” to import the valid ones",
        "web.import.refused": "The file was rejected; nothing was written.",
    }
)


@dataclass(frozen=True)
class Upload:
    """A saved upload waiting for its confirmation."""

    token: str
    folder: Path
    name: str
    """The file name as the user gave it (shown on the pages)."""
    path: Path
    """The saved file (its name made safe)."""
    format: str | None
    skip_invalid: bool
    user: str
    allow_older: bool = False
    mapping: str = ""
    """The mapping file's name as the user gave it ("" for none); saved as ``mapping.json`` in the folder."""

    @property
    def mapping_path(self) -> Path | None:
        return self.folder / _MAPPING if self.mapping else None

    def settings(self) -> list[str]:
        """The options this upload is imported with, as the report names them."""
        return [
            *([t("web.import.with_skip")] if self.skip_invalid else []),
            *([t("web.import.with_mapping", name=self.mapping)] if self.mapping else []),
            *([t("web.import.with_older")] if self.allow_older else []),
        ]

    def options(self) -> dict[str, object]:
        """The reader options of :func:`~partnergraph.importers.run.run_import` (ConfigError for a bad mapping)."""
        found: dict[str, object] = {"allow_older": True} if self.allow_older else {}
        if self.mapping_path is not None:
            found["mapping"] = GraphMapping.load(self.mapping_path)
        return found


@dataclass
class Outcome:
    """What a run found: its report (if the file could be read) or the reason it was refused."""

    upload: Upload
    dry_run: bool
    report: ImportReport | None = None
    error: str = ""
    """Why the file was refused ("" when it was not)."""
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0
    """Problems counted but not listed."""

    @property
    def refused(self) -> bool:
        return bool(self.error)

    def place(self, problem: Problem) -> str:
        """The problem's place, naming the file as the user named it."""
        saved = self.upload.path.name
        if problem.where.startswith(saved):
            return self.upload.name + problem.where[len(saved) :]
        return problem.where


def disk_name(name: str) -> str:
    """A safe file name for ``name`` (Polish letters as ASCII), keeping its extension.

    >>> disk_name("Organizacje Łódź.csv"), disk_name("../../łąka.XLSX"), disk_name("żółć.csv"), disk_name("???")
    ('Organizacje_Lodz.csv', 'laka.XLSX', 'zolc.csv', 'upload')
    """
    safe = secure_filename(name.translate(_LATIN))
    suffix = secure_filename("x" + PurePosixPath(name).suffix.translate(_LATIN))[1:]
    if not safe or safe == suffix.lstrip("."):
        safe = "upload" + suffix
    return safe


def _shown_name(name: str) -> str:
    """The base name of what the browser sent (some send a whole Windows path)."""
    return PurePosixPath(name.replace("\\", "/")).name[:200] or "upload"


def _root() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / UPLOADS


def _ttl() -> float:
    return float(current_app.config.get("IMPORT_UPLOAD_TTL", UPLOAD_TTL))


@bp.before_request
def _purge() -> None:
    """Delete uploads older than the time-to-live (claimed ones after a day: an import may be running)."""
    root = _root()
    if not root.is_dir():
        return
    now = time.time()
    for folder in root.iterdir():
        limit = max(_ttl(), 86400) if folder.name.startswith(_CLAIMED) else _ttl()
        try:
            if now - folder.stat().st_mtime > limit:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:  # another request took it meanwhile
            continue


def _save(
    file: FileStorage, fmt: str | None, skip_invalid: bool, allow_older: bool, mapping: FileStorage | None
) -> Upload:
    root = _root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(mode=0o700)
    name = _shown_name(file.filename or "")
    mapping_name = _shown_name(mapping.filename or "") if mapping is not None else ""
    path = folder / disk_name(name)
    if path.name == _MAPPING or path.name == _META:  # the upload's own files keep their names
        path = folder / f"upload-{path.name}"
    upload = Upload(token, folder, name, path, fmt, skip_invalid, current_user.name, allow_older, mapping_name)
    file.save(upload.path)
    if mapping is not None and upload.mapping_path is not None:
        mapping.save(upload.mapping_path)
    meta = {
        "name": name,
        "file": upload.path.name,
        "format": fmt,
        "skip_invalid": skip_invalid,
        "allow_older": allow_older,
        "mapping": mapping_name,
        "user": upload.user,
    }
    (folder / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return upload


def _claim(token: str) -> Upload | None:
    """The upload of ``token``, taken out of the pending ones (None: unknown, expired, someone else's, taken)."""
    if not _TOKEN.fullmatch(token):
        return None
    pending = _root() / token
    try:
        meta = json.loads((pending / _META).read_text(encoding="utf-8"))
        if meta["user"] != current_user.name or time.time() - pending.stat().st_mtime > _ttl():
            return None
        folder = _root() / f"{_CLAIMED}{token}-{secrets.token_hex(4)}"
        os.rename(pending, folder)  # atomic: of two confirms of one token only one gets here
    except (OSError, ValueError, KeyError):
        return None
    return Upload(
        token,
        folder,
        str(meta["name"]),
        folder / str(meta["file"]),
        meta["format"],
        bool(meta["skip_invalid"]),
        str(meta["user"]),
        bool(meta.get("allow_older", False)),
        str(meta.get("mapping") or ""),
    )


def _run(upload: Upload, *, dry_run: bool) -> Outcome:
    outcome = Outcome(upload, dry_run)
    try:
        report = run_import(
            get_store(),
            upload.path,
            format=upload.format,
            dry_run=dry_run,
            skip_invalid=upload.skip_invalid,
            user=current_user.name,
            options=upload.options(),
        )
    except ImportFailed as exc:
        hint = (
            t("web.import.failed_hint") if isinstance(exc.hint, Msg) and exc.hint.id == "imp.failed.hint" else exc.hint
        )
        outcome.report, outcome.error = exc.report, f"{exc.message} ({hint})"
        outcome.problems = [_web_hint(p) for p in exc.report.problems]
        outcome.hidden = exc.report.problem_count - len(exc.report.problems)
    except ValidationError as exc:
        outcome.error, outcome.problems = t("web.import.refused"), [_web_hint(p) for p in exc.problems]
    except ConfigError as exc:
        outcome.error = f"{t('web.import.refused')} {exc}"
    else:
        outcome.report, outcome.problems = report, report.problems
        outcome.hidden = report.problem_count - len(report.problems)
    return outcome


def _web_hint(problem: Problem) -> Problem:
    """``problem`` with a hint naming the form's option where the CLI's names a command-line option."""
    if isinstance(problem.hint, Msg) and problem.hint.id == "reg.older.hint":
        return Problem(problem.message, problem.where, t("web.import.older_hint"))
    return problem


def _form(errors: list[str], status: int = 200) -> ResponseReturnValue:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return render_template(
        "import.html", formats=list(FORMATS), errors=errors, limit=size_text(limit) if limit else ""
    ), status


def _report(outcome: Outcome) -> ResponseReturnValue:
    return render_template("import_report.html", outcome=outcome), 400 if outcome.refused else 200


@bp.route("", methods=["GET", "POST"])
@requires("admin")
def index() -> ResponseReturnValue:
    """GET: the upload form; POST: save the file, run the dry run and show its report with a confirm button."""
    if request.method == "GET":
        return _form([])
    file = request.files.get("file")
    if file is None or not file.filename:
        return _form([t("web.import.no_file")], 400)
    fmt = request.form.get("format", "guess")
    if fmt != "guess" and fmt not in FORMATS:
        abort(400)
    mapping = request.files.get("mapping")
    upload = _save(
        file,
        None if fmt == "guess" else fmt,
        request.form.get("skip_invalid") == "on",
        request.form.get("allow_older") == "on",
        mapping if mapping is not None and mapping.filename else None,
    )
    try:
        outcome = _run(upload, dry_run=True)
    except BaseException:
        shutil.rmtree(upload.folder, ignore_errors=True)
        raise
    if outcome.refused:  # nothing to confirm
        shutil.rmtree(upload.folder, ignore_errors=True)
    return _report(outcome)


@bp.route("/confirm", methods=["POST"])
@requires("admin")
def confirm() -> ResponseReturnValue:
    """Import the upload the token names (once), as the signed-in admin; show the result."""
    upload = _claim(request.form.get("token", ""))
    if upload is None:
        return _form([t("web.import.gone")], 409)
    try:
        return _report(_run(upload, dry_run=False))
    finally:
        shutil.rmtree(upload.folder, ignore_errors=True)


@bp.route("/cancel", methods=["POST"])
@requires("admin")
def cancel() -> ResponseReturnValue:
    """Forget the upload the token names (its file is deleted)."""
    upload = _claim(request.form.get("token", ""))
    if upload is not None:
        shutil.rmtree(upload.folder, ignore_errors=True)
        flash(t("web.import.cancelled"), "info")
    return redirect(url_for("imports.index"))
