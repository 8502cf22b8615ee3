"""What ``duty-desk --self-test`` checks without Qt: that this installation can keep a desk.

A throwaway encrypted store (SQLCipher, a random key, in a temporary folder) is created,
five events are chained onto its log; the store is closed, opened again with its key (every
page's HMAC checked), the whole chain verified and the file searched for the events in
clear; a marked PDF is rendered with the shipped font and read back. Nothing here touches a
real desk, the credential store or personal data, and the folder is removed at the end.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pikepdf

from duty_desk.domain.clock import utc_now
from duty_desk.domain.events import SYSTEM, NewEvent
from duty_desk.reports.document import Meta, build, para
from duty_desk.services.audit import check_store
from duty_desk.store.database import Store
from duty_desk.store.unit_of_work import UnitOfWork

EVENTS = 5


class SelfTestFailed(Exception):
    """A check that did not pass, in words."""


def run_checks(say: Callable[[str], None], clock: Callable[[], datetime] = utc_now) -> None:
    """Each check in turn; ``say`` hears each one that passed. Raises ``SelfTestFailed``."""
    with tempfile.TemporaryDirectory(prefix="duty-desk-self-test-") as folder:
        _store(Path(folder) / "self-test.db", clock, say)
    _document(clock, say)


def _store(path: Path, clock: Callable[[], datetime], say: Callable[[str], None]) -> None:
    key, device = secrets.token_bytes(32), str(uuid.uuid4())
    store = Store.create(path, key)
    try:
        with UnitOfWork(store, device, SYSTEM, clock) as uow:
            for n in range(EVENTS):
                uow.record(NewEvent("self_test", device, "self_test.checked", {"n": n}))
            uow.commit()
    finally:
        store.close()
    say(f"encrypted store created and {EVENTS} events written")
    store = Store.open(path, key)
    try:
        result = check_store(store, device)
    finally:
        store.close()
    if not result.ok or result.report.events_checked != EVENTS:
        raise SelfTestFailed(f"the event log did not verify: {result.describe()}")
    say(f"store reopened, every page checked; the chain of {EVENTS} events verifies")
    if b"self_test.checked" in path.read_bytes():
        raise SelfTestFailed("the store's file holds an event in clear: it is not encrypted")
    say("the store's file holds no event in clear")


def _document(clock: Callable[[], datetime], say: Callable[[str], None]) -> None:
    meta = Meta("Duty Desk self-test", "OFFICIAL", "the self-test", clock())
    pdf = build([para("Siân Llŷr and Łukasz Wójcik: the shipped font prints their names.")], meta)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = len(document.pages)
        fonts = {
            str(font.get("/BaseFont", ""))
            for page in document.pages
            for font in page.Resources.get("/Font", {}).values()
        }
    if pages != 1 or not any("DejaVuSans" in name for name in fonts):
        raise SelfTestFailed(f"the PDF did not render as expected ({pages} pages, {fonts})")
    say(f"PDF rendered with the shipped font ({len(pdf):,} bytes, 1 page) and read back")
