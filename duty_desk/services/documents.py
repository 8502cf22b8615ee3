"""Saving a finished document: whole or not at all, never silently replacing a file,
optionally encrypted, and always audited.

A document is built in memory (``reports.document.build``) and reaches the disk only here.
With a password it is encrypted in memory first (AES-256), so no clear copy is ever
written. The file is written next to its destination under a hidden temporary name (only
this user may read it) and renamed into place, so a failure leaves nothing half-written;
the temporary file is removed on any error. The audit event says which document about
which record, how many pages and whether it was encrypted, never a name or a file name
(the name a person chooses may be the child's).
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import NewEvent
from duty_desk.reports.document import Meta, encrypt
from duty_desk.services.context import SignedIn
from duty_desk.services.settings import load_settings

MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class Printed:
    path: Path
    pages: int
    encrypted: bool


@dataclass(frozen=True, slots=True)
class Draft:
    """A document ready to lay out: its title and subject, how to render it on the official
    form, and what the audit event says it covers (ids, dates, counts; never a name)."""

    title: str
    subject: str
    render: Callable[[Meta], bytes]
    about: Mapping[str, object]


def produce(
    session: SignedIn,
    path: Path,
    draft: Callable[[], Draft],
    *,
    document: str,
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """The steps every document takes: the file and password are refused before any work,
    then ``draft`` reads what the document shows, it is rendered with this person's page
    furniture, and saved (``save``). The caller has checked the person may read it."""
    check_target(path, overwrite=overwrite)
    check_password(password)
    made = draft()
    pdf = made.render(meta(session, made.title, subject=made.subject))
    return save(session, path, pdf, document=document, about=made.about, password=password,
                overwrite=overwrite)  # fmt: skip


def meta(session: SignedIn, title: str, *, subject: str = "", landscape: bool = False) -> Meta:
    """The page furniture for a document this person is generating now."""
    return Meta(
        title=title,
        marking=load_settings(session.desk.paths.settings).marking,
        generated_by=session.person.display_name,
        generated_at=session.desk.clock(),
        subject=subject,
        landscape=landscape,
    )


def check_target(path: Path, *, overwrite: bool = False) -> Path:
    """Where the document would go, refused before any work if it cannot go there."""
    path = path.expanduser()
    if path.suffix.lower() != ".pdf":
        raise ValidationError("Save the document as a .pdf file.", "path")
    if not path.parent.is_dir():
        raise ValidationError(f"There is no folder {path.parent} to save the document in.", "path")
    if path.is_dir():
        raise ValidationError(f"{path} is a folder: give a file name.", "path")
    if path.exists() and not overwrite:
        raise ValidationError(
            f"There is already a file called {path.name} there: choose another name, or "
            "confirm that it should be replaced.",
            "path",
        )
    return path


def check_password(password: str | None) -> None:
    if password is not None and len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"A document's password must be at least {MIN_PASSWORD} characters.", "password"
        )


def save(
    session: SignedIn,
    path: Path,
    pdf: bytes,
    *,
    document: str,
    about: Mapping[str, object],
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """Write ``pdf`` to ``path`` (encrypted if a password is given) and audit it as
    ``report.printed``: ``document`` names the kind, ``about`` says what it covers (ids,
    dates, counts; nothing that names a person)."""
    check_password(password)
    path = check_target(path, overwrite=overwrite)
    data = pdf if password is None else encrypt(pdf, password)
    pages = page_count(pdf)
    write_whole(path, data)
    with session.uow() as uow:
        payload = {"document": document, "pages": pages, "encrypted": password is not None}
        uow.record(NewEvent("report", str(uuid.uuid4()), "report.printed", payload | dict(about)))
        uow.commit()
    return Printed(path, pages, password is not None)


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a hidden file beside it (only this
    user may read it), synced, then renamed into place; removed on any failure."""
    handle, temporary = tempfile.mkstemp(prefix=".duty-desk-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
