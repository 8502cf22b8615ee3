"""The night list's model: lazy pages, sorting and searching in the store, and its cells."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from duty_desk.domain.records import Contact
from duty_desk.domain.roles import Role
from duty_desk.services.enquiries import create_enquiry
from duty_desk.services.enquiry_lists import ListQuery
from duty_desk.services.shifts import current_shift, start_shift
from duty_desk.ui.enquiry_model import COLUMNS, ID_ROLE, PAGE_SIZE, EnquiryListModel
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock

MANY = 450
CHILD = [c.key for c in COLUMNS].index("child")
RECEIVED = [c.key for c in COLUMNS].index("received")
DUE = [c.key for c in COLUMNS].index("decision_due")
SUMMARY = [c.key for c in COLUMNS].index("summary")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One desk with 450 enquiries in a shift (made once: about 6 s), shared read-only."""
    from duty_desk.services.desk import create_desk, remove_desk, sign_in
    from duty_desk.services.paths import DeskPaths
    from duty_desk.services.people import add_person

    paths = DeskPaths(tmp_path_factory.mktemp("crowded") / "desk")
    clock = FakeClock()
    created = create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock)
    add_person(
        created.session, "sam", "Sam Worker", Role.DUTY_SOCIAL_WORKER, PASSWORD,
        must_change_password=False,
    )  # fmt: skip
    session = sign_in(paths, "sam", PASSWORD, clock)
    start_shift(session, ["Sam Worker"], Contact("P", "1"), Contact("M", "2"))
    for number in range(MANY):
        clock.advance(seconds=30)
        create_enquiry(session, {"child_name": f"Child {number:03d}", "summary": "Call"})
    yield session
    session.desk.close()
    created.session.desk.close()
    remove_desk(paths)


def _names(model: EnquiryListModel) -> list[str]:
    return [model.enquiry_row(row).child_name for row in range(model.rowCount())]


def test_an_empty_list_is_a_sound_model(qtmodeltester, on_shift) -> None:  # type: ignore[no-untyped-def]
    shift = current_shift(on_shift)
    model = EnquiryListModel(on_shift, ListQuery(shift_id=shift.id))  # type: ignore[union-attr]
    assert model.rowCount() == 0 and not model.canFetchMore()
    qtmodeltester.check(model)


@pytest.mark.slow  # the shared desk of 450 takes about 6-10 s to fill
def test_a_long_list_is_a_sound_model(qtmodeltester, crowded) -> None:  # type: ignore[no-untyped-def]
    model = EnquiryListModel(crowded)
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == MANY
    qtmodeltester.check(model)


@pytest.mark.slow  # the shared desk of 450 takes about 6-10 s to fill
def test_rows_arrive_a_page_at_a_time(qtbot, crowded) -> None:  # type: ignore[no-untyped-def]
    model = EnquiryListModel(crowded)
    assert (model.rowCount(), model.total) == (PAGE_SIZE, MANY)
    seen = []
    for expected in (400, MANY):
        assert model.canFetchMore()
        with qtbot.waitSignal(model.rowsInserted) as inserted:
            model.fetchMore()
        seen.append(inserted.args[1:])
        assert model.rowCount() == expected
    assert not model.canFetchMore()
    assert seen == [[200, 399], [400, 449]]
    assert _names(model)[:2] == ["Child 449", "Child 448"]  # newest first
    assert len(set(_names(model))) == MANY


@pytest.mark.slow  # the shared desk of 450 takes about 6-10 s to fill
def test_sorting_asks_the_store_not_the_loaded_rows(crowded) -> None:  # type: ignore[no-untyped-def]
    model = EnquiryListModel(crowded)
    model.sort(CHILD, Qt.SortOrder.AscendingOrder)
    assert model.query.sort == "child_name" and not model.query.descending
    # "Child 000" is the oldest record: it was not among the 200 rows loaded before.
    assert _names(model)[:3] == ["Child 000", "Child 001", "Child 002"]
    assert model.rowCount() == PAGE_SIZE
    model.sort(CHILD, Qt.SortOrder.DescendingOrder)
    assert _names(model)[:2] == ["Child 449", "Child 448"]
    model.sort(SUMMARY, Qt.SortOrder.AscendingOrder)  # free text: not sortable, nothing moves
    assert model.sort_order() == (CHILD, Qt.SortOrder.DescendingOrder)


def test_sort_by_child_name_both_ways(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    for name in ("Ceri Morgan", "Aled Jones", "Bethan Price"):
        create_enquiry(on_shift, {"child_name": name})
        clock.advance(minutes=5)
    model = EnquiryListModel(on_shift)
    assert _names(model) == ["Bethan Price", "Aled Jones", "Ceri Morgan"]  # newest first
    model.sort(CHILD, Qt.SortOrder.AscendingOrder)
    assert _names(model) == ["Aled Jones", "Bethan Price", "Ceri Morgan"]
    model.sort(CHILD, Qt.SortOrder.DescendingOrder)
    assert _names(model) == ["Ceri Morgan", "Bethan Price", "Aled Jones"]
    model.refresh()  # the sort stays
    assert _names(model) == ["Ceri Morgan", "Bethan Price", "Aled Jones"]


def test_searching_a_fragment_ignores_accents(on_shift) -> None:  # type: ignore[no-untyped-def]
    create_enquiry(on_shift, {"child_name": "Siân Llŷr", "child_dob": "2014-03-02"})
    create_enquiry(on_shift, {"child_name": "Tomos Jones"})
    model = EnquiryListModel(on_shift)
    assert model.rowCount() == 2
    for text in ("sian", "SIÂN", "llyr", "02/03/2014"):
        model.set_query(ListQuery(text=text))
        assert _names(model) == ["Siân Llŷr"], text
        assert model.total == 1
    model.set_query(ListQuery(text="nobody"))
    assert model.rowCount() == 0 and model.total == 0


def test_cells_say_london_time_age_and_overdue(qtbot, on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    fields = {
        "child_name": "Siân Llŷr",
        "child_dob": "2014-03-02",
        "received_at": "2026-07-01T22:30:00.000000Z",  # 23:30 in London (summer time)
        "concerns": ["neglect", "domestic_abuse"],
        "summary": "Police at the house " + "x" * 150,
    }
    clock.now = datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    enquiry = create_enquiry(on_shift, fields).enquiry
    create_enquiry(on_shift, {"child_name": "Ola", "child_age": 15})
    model = EnquiryListModel(on_shift)
    row = model.row_of(enquiry.id)
    assert model.data(model.index(row, 0), ID_ROLE) == enquiry.id
    cells = [model.index(row, column).data() for column in range(model.columnCount())]
    assert cells[RECEIVED] == "01/07 23:30"
    assert cells[CHILD] == "Siân Llŷr (12)"
    tip = "Siân Llŷr, born 02/03/2014, aged 12"
    assert model.index(row, CHILD).data(Qt.ItemDataRole.ToolTipRole) == tip
    assert model.index(row, CHILD).data(Qt.ItemDataRole.AccessibleTextRole) == tip
    assert cells[SUMMARY].startswith("Police at the house") and cells[SUMMARY].endswith("…")
    assert "Neglect" in cells[[c.key for c in COLUMNS].index("concerns")]
    assert cells[DUE] == "Thu 02/07 17:00"  # one working day after the call
    assert model.index(_names(model).index("Ola"), CHILD).data() == "Ola (about 15)"
    due = model.index(row, DUE)
    assert due.data(Qt.ItemDataRole.FontRole) is None
    clock.now = datetime(2026, 7, 2, 16, 0, tzinfo=UTC)  # 17:00 in London
    with qtbot.waitSignal(model.dataChanged):
        model.time_passed()
    assert due.data() == "Thu 02/07 17:00 — overdue"
    assert due.data(Qt.ItemDataRole.FontRole).bold()
    assert due.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "overdue" in due.data(Qt.ItemDataRole.ToolTipRole)
    for section in range(model.columnCount()):
        assert model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_a_refusal_is_reported_not_raised(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    model = EnquiryListModel(admin, load=False)
    with qtbot.waitSignal(model.failed) as failed:
        model.refresh()
    assert "may not read children's records" in failed.args[0]
    assert model.rowCount() == 0 and not model.canFetchMore()
