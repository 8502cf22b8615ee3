"""Enquiry benchmark: saving an enquiry, and the list, search and memory at 200,000 records.

``python -m benchmarks.enquiries [--saves N] [--enquiries N] [--runs N] [--json]`` prints
p50/p99 of saves through ``save_enquiry`` (on a new desk, and on the large store), the time
to open the list (first page + total, and the Qt list model over it), to filter it by a
name, and the resident memory of a process that has opened the list, each against its
target with PASS/MISS. Like the foundation benchmark it is a measurement, not a test: it
exits 0 whatever the verdicts, non-zero only on errors.

The large store is written once through the real event log and projections (one unit of
work per 5,000 ``enquiry.created`` events, with the payload the service makes, so the
enquiry table, the children index and the full-text index are really built) and kept in
``$DUTY_DESK_BENCH_CACHE`` (default ``/tmp/duty-desk-bench``) for later runs; a new schema
makes a new one (``--regenerate`` forces it). Its database key is kept beside it in the
cache (invented data only), and it is opened without a key file or keyring: those take no
part in listing. The measurements run in a fresh child process, so its memory figures are
its own and not the generator's; its saves go to one enquiry of the cached store.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.foundation import ROOT, p99, verdict
from benchmarks.secret_service import secret_service

SAVE_P99_TARGET_MS = 20.0
OPEN_TARGET_MS = 300.0
FILTER_TARGET_MS = 100.0
RSS_TARGET_MB = 250.0
SAVE_WARMUP = 20
NAME_FILTERS = ("Llŷr", "Siân Llŷr")  # a surname (about 1 in 100), and a full name
USERNAME, PASSWORD = "sam", "bench-night-shift"


def cache_dir() -> Path:
    return Path(os.environ.get("DUTY_DESK_BENCH_CACHE") or "/tmp/duty-desk-bench")


# --- saving ---------------------------------------------------------------------------------


def realistic_fields() -> dict[str, Any]:
    """The demo's custody transfer, the longest of its records, as its form holds it."""
    from duty_desk.services.demo import demo_nights, last_night, resolve

    nights = demo_nights()
    last = last_night(datetime.now(UTC), [n["days_before"] for n in nights])
    tonight = next(n for n in nights if n["days_before"] == 0)
    longest = max(tonight["enquiry"], key=lambda e: len(json.dumps(e, ensure_ascii=False)))
    fields = resolve(longest["fields"], last, last)
    fields["received_at"] = datetime.now(UTC) - timedelta(hours=2)
    for name in ("checks", "actions"):  # timed in the last hour, so none is in the future
        fields[name] = [
            {"at": datetime.now(UTC) - timedelta(minutes=50 - n), "text": entry["text"]}
            for n, entry in enumerate(fields[name])
        ]
    return fields


def time_saves(session: Any, enquiry_id: str, fields: dict[str, Any], count: int) -> list[float]:
    """Save ``count`` + warm-up times, each changing a line of the narrative as typing would."""
    from duty_desk.services.enquiries import open_enquiry, save_enquiry

    expected = open_enquiry(session, enquiry_id).updated_at
    narrative = fields["narrative"]
    times: list[float] = []
    for i in range(SAVE_WARMUP + count):
        fields["narrative"] = f"{narrative}\n\nUpdate {i}: spoke to the custody sergeant again."
        start = time.perf_counter()
        saved = save_enquiry(session, enquiry_id, fields, expected)
        times.append((time.perf_counter() - start) * 1000)
        expected = saved.enquiry.updated_at
    return times


def save_figures(times: list[float]) -> dict[str, Any]:
    timed = times[SAVE_WARMUP:]
    return {
        "count": len(timed),
        "first_ms": times[0],
        "p50_ms": statistics.median(timed),
        "p99_ms": p99(timed),
        "target_p99_ms": SAVE_P99_TARGET_MS,
        "pass": p99(timed) <= SAVE_P99_TARGET_MS,
    }


def bench_save_new_desk(work: Path, count: int) -> dict[str, Any]:
    """Saves on a real desk (key file, keyring, sign-in) with one shift and one enquiry."""
    from duty_desk.domain.records import Contact
    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import create_desk, remove_desk, sign_in, sign_out
    from duty_desk.services.enquiries import create_enquiry
    from duty_desk.services.paths import DeskPaths
    from duty_desk.services.people import add_person
    from duty_desk.services.shifts import start_shift

    paths = DeskPaths(work / "desk")
    created = create_desk(paths, "admin", "Bench Admin", "bench-password-123")
    try:
        add_person(
            created.session, USERNAME, "Sam Okafor", Role.DUTY_SOCIAL_WORKER, PASSWORD,
            must_change_password=False,
        )  # fmt: skip
        sign_out(created.session)
        session = sign_in(paths, USERNAME, PASSWORD)
        try:
            on_call = Contact("Priya Shah", "07700 900141"), Contact("Morgan Ellis", "07700 900142")
            start_shift(session, ["Sam Okafor"], *on_call)
            fields = realistic_fields()
            enquiry = create_enquiry(session, fields).enquiry
            return save_figures(time_saves(session, enquiry.id, fields, count))
        finally:
            sign_out(session)
    finally:
        remove_desk(paths)


# --- the large store (measured in a child process) -------------------------------------------


def timed(work: Any, runs: int) -> tuple[Any, list[float]]:
    """The last result of ``work()``, and each run's milliseconds."""
    times: list[float] = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return result, times


def memory_mb() -> dict[str, float]:
    """Resident now, and at its peak (VmHWM). ``ru_maxrss`` is kept in the JSON only: Linux
    carries it over fork and exec, so a child starts with its parent's peak."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "hwm_mb": int(fields["VmHWM"].split()[0]) / 1024,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def speed(times: list[float], target: float) -> dict[str, Any]:
    return {
        "first_ms": times[0],
        "median_ms": statistics.median(times),
        "max_ms": max(times),
        "target_ms": target,
        "pass": max(times) <= target,
    }


def measure(store_dir: Path, runs: int, saves: int) -> dict[str, Any]:
    """In the child: open the store, then list, filter, build the model, save."""
    from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
    from duty_desk.services.shifts import current_shift

    start = time.perf_counter()
    session, meta = open_bench_session(store_dir)
    results: dict[str, Any] = {"store": meta | {"open_s": time.perf_counter() - start}}
    page, times = timed(lambda: list_enquiries(session, ListQuery(), limit=200), runs)
    results["open_list"] = speed(times, OPEN_TARGET_MS) | {"total": page.total}
    results["memory_after_list"] = memory_mb()
    results["filters"] = {}
    for text in NAME_FILTERS:
        found, times = timed(lambda t=text: list_enquiries(session, ListQuery(text=t)), runs)
        results["filters"][text] = speed(times, FILTER_TARGET_MS) | {"total": found.total}
    shift = current_shift(session)
    assert shift is not None
    tonight, times = timed(lambda: list_enquiries(session, ListQuery(shift_id=shift.id)), runs)
    results["shift_list"] = speed(times, OPEN_TARGET_MS) | {"total": tonight.total}
    if importlib.util.find_spec("duty_desk.ui.enquiry_model") is not None:
        results["model"] = measure_model(session, runs)
        results["memory_after_model"] = memory_mb()
    if saves:
        fields = realistic_fields()
        newest = tonight.rows[0].id
        results["save_large"] = save_figures(time_saves(session, newest, fields, saves))
    session.desk.close()
    return results


def measure_model(session: Any, runs: int) -> dict[str, Any]:
    """The Qt list model over the whole store: built (first page + total) and 50 rows read."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from duty_desk.ui.enquiry_model import EnquiryListModel

    app = QGuiApplication.instance() or QGuiApplication([])

    def build() -> Any:
        model = EnquiryListModel(session)
        for row in range(min(50, model.rowCount())):
            for column in range(model.columnCount()):
                model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
        return model

    model, times = timed(build, runs)
    figures = speed(times, OPEN_TARGET_MS) | {"rows": model.rowCount(), "total": model.total}
    del model, app
    return figures


def run_child(store_dir: Path, runs: int, saves: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.enquiries", "--measure", str(store_dir)]
    argv += ["--runs", str(runs), "--saves", str(saves)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the measuring process failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- the large store: generated once, through the event log and projections -----------------

GENERATOR_VERSION = 1
BATCH = 5000  # events per unit of work (one commit)
PER_NIGHT = 40  # about 14 years of nights for 200,000 enquiries
# The cache is kept per schema (the migrations) and event format: a change to either makes
# a new store. Generating takes about half an hour, so an edit elsewhere does not; after
# changing what a projector writes without a migration, run with --regenerate.
FINGERPRINTED = ("duty_desk/domain/events.py", "duty_desk/store/migrations/versions")
GIVEN = (
    "Siân Ngọc_Ánh Łukasz Aaliyah Oisín Amara Dawit Chiamaka Jayden Ellie-Mae Mason Reece "
    "Zofia Mohammed Olivia Noah Amelia Leo Isla Oliver Ava Arthur Freya Muhammad Ivy Harry "
    "Grace Jack Aisha Kai Bartosz Zainab Tomás Chloé Ayşe Mihai Fatima Yusuf Precious Kwame "
    "Niamh Ciarán Eilidh Rhys Gwen Dafydd Seren Bethan Hamza Maryam Priya Arjun Minh Thảo "
    "Ewa Kacper Jakub Lena José Inés Adaeze Kofi Abena Zara Ruby Alfie Theo Poppy Riley "
    "Sofia Daniel Emily George Lily"
)  # "_" stands for a space inside a name
SURNAMES = (
    "Llŷr Trần Wójcik Begum Kelly Okonkwo Tesfaye Eze Clarke Turner Doyle Hamilton Smith "
    "Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
    "Wright Walker White Edwards Hughes Green Hall Lewis Harris Wood Jackson Khan Ali Hussain "
    "Ahmed Patel Singh Kaur Nowak Kowalski Lewandowska Nguyễn Phạm Lê O'Brien Ó_Súilleabháin "
    "MacLeod Ní_Bhriain Pryce Okafor Adeyemi Mensah Boateng Osei Popescu Ionescu Yılmaz Demir "
    "Ferreira García Fernández Müller Schmidt Novák Kovács Horvat Petrović Ivanova Haddad "
    "Rahman Chowdhury Miah Uddin Bakare Hale Hollis Reid Ashworth Marsh Fenwick Carver Dawson "
    "Rowe Moss Abdi Mohamud Warsame Gebre Haile Tekle Kamara Conteh Sesay"
)


class BenchClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fingerprint(count: int) -> str:
    digest = hashlib.sha256(f"{GENERATOR_VERSION} {count}".encode())
    for name in FINGERPRINTED:
        path = ROOT / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def ensure_store(cache: Path, count: int, regenerate: bool) -> tuple[Path, dict[str, Any]]:
    """The cached store for ``count`` enquiries, generated first if missing or stale."""
    target = cache / f"store-{count}-{fingerprint(count)}"
    meta = target / "bench.json"
    if meta.exists() and not regenerate:
        seconds = json.loads(meta.read_text(encoding="utf-8"))["generation_s"]
        return target, {"generated": False, "seconds": seconds, "path": str(target)}
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"store-{count}-*"):  # stale, or left half-made
        shutil.rmtree(old)
    print(f"generating {count:,} enquiries in {target}; later runs reuse it", file=sys.stderr)
    start = time.perf_counter()
    details = generate(target, count)
    seconds = time.perf_counter() - start
    details |= {"generation_s": seconds, "count": count}
    meta.write_text(json.dumps(details), encoding="utf-8")  # last: marks the store complete
    return target, {"generated": True, "seconds": seconds, "path": str(target)}


def generate(target: Path, count: int) -> dict[str, Any]:
    from duty_desk.domain.events import Actor, NewEvent
    from duty_desk.domain.roles import Role
    from duty_desk.services.demo import demo_nights, last_night
    from duty_desk.store.database import Store

    key, device_id, person_id = secrets.token_bytes(32), str(uuid.uuid4()), str(uuid.uuid4())
    nights = demo_nights()
    last = last_night(datetime.now(UTC), [n["days_before"] for n in nights])
    first = last - timedelta(days=-(-count // PER_NIGHT))
    clock = BenchClock(datetime(first.year, first.month, first.day, 10, tzinfo=UTC))
    actor = Actor(person_id, Role.DUTY_SOCIAL_WORKER.value)
    person = {"username": USERNAME, "display_name": "Sam Okafor", "role": actor.role}
    store = Store.create(target / "desk.db", key)
    try:
        setup = [
            (clock.now, NewEvent("desk", device_id, "desk.created", {"device_id": device_id,
                                                                      "app_version": "bench"})),
            (clock.now, NewEvent("person", person_id, "person.added", person)),
        ]  # fmt: skip
        write(store, device_id, actor, clock, setup)
        batch: list[tuple[datetime, Any]] = []
        start = time.perf_counter()
        for made, item in enumerate(night_events(count, device_id, last, nights), start=1):
            batch.append(item)
            if len(batch) == BATCH:
                write(store, device_id, actor, clock, batch)
                batch = []
                print(f"  {made:,} events, {time.perf_counter() - start:.0f} s", file=sys.stderr)
        write(store, device_id, actor, clock, batch)
    finally:
        store.close()
    return {"db_key": key.hex(), "device_id": device_id, "person_id": person_id}


def write(store: Any, device_id: str, actor: Any, clock: BenchClock, batch: list[Any]) -> None:
    from duty_desk.store.unit_of_work import UnitOfWork

    with UnitOfWork(store, device_id, actor, clock) as uow:
        for moment, event in batch:
            clock.now = moment
            uow.record(event)
        uow.commit()


def night_events(
    count: int, device_id: str, last: date, nights: list[dict[str, Any]]
) -> Iterator[tuple[datetime, Any]]:
    """Shift started, about 40 enquiries, shift ended: night by night up to last night,
    whose shift is still running."""
    from duty_desk.domain.clock import LONDON
    from duty_desk.domain.events import NewEvent, format_instant
    from duty_desk.domain.working_days import WorkingCalendar
    from duty_desk.services.demo import at

    templates = [enquiry["fields"] for night in nights for enquiry in night["enquiry"]]
    rng, calendar, references = random.Random(2026), WorkingCalendar(), Counter[str]()
    made = 0
    for back in range(-(-count // PER_NIGHT) - 1, -1, -1):
        night = last - timedelta(days=back)
        shift_id, started = str(uuid.uuid4()), at(night, "17:00")
        on_call = {"name": "Priya Shah", "phone": "07700 900141"}
        shift: dict[str, Any] = {"started_at": format_instant(started), "on_duty": ["Sam Okafor"]}
        shift |= {"senior": on_call, "manager": on_call | {"name": "Morgan Ellis"}}
        yield started, NewEvent("shift", shift_id, "shift.started", shift)
        tonight = min(PER_NIGHT, count - made)
        for minute in sorted(rng.randrange(15 * 60 + 50) for _ in range(tonight)):
            received = started + timedelta(minutes=minute)
            content = generated_content(rng, rng.choice(templates), night, received)
            prefix = f"EDT-{received.astimezone(LONDON):%y%m%d}-{device_id[:4].upper()}-"
            references[prefix] += 1
            payload = {
                "changes": content,
                "version": 1,
                "shift_id": shift_id,
                "due": {
                    "decision": format_instant(calendar.decision_due(received)),
                    "handover": format_instant(calendar.handover_due(received)),
                },
                "reference": f"{prefix}{references[prefix]:03d}",
            }
            event = NewEvent("enquiry", str(uuid.uuid4()), "enquiry.created", payload)
            yield received + timedelta(minutes=2), event
        made += tonight
        if back:
            ended = {"ended_at": format_instant(at(night, "09:00"))}
            yield at(night, "09:00"), NewEvent("shift", shift_id, "shift.ended", ended)


def generated_content(
    rng: random.Random, template: dict[str, Any], night: date, received: datetime
) -> dict[str, Any]:
    """A demo record with another child's name and age, on another night, as stored."""
    from duty_desk.domain.enquiry import changes
    from duty_desk.services.demo import born, resolve
    from duty_desk.services.enquiries import clean

    fields = resolve(template, night, night)
    given, surname = (rng.choice(names.split()).replace("_", " ") for names in (GIVEN, SURNAMES))
    old = template["child_name"]  # the family's name too: "Eleri Llŷr" becomes "Eleri Kelly"
    swaps = ((old, f"{given} {surname}"), (old.split()[0], given), (old.split()[-1], surname))
    for name, value in fields.items():
        if isinstance(value, str):
            for before, after in swaps:
                value = value.replace(before, after)
            fields[name] = value
    if "child_dob" in fields:
        fields["child_dob"] = born(night, {"years": rng.randrange(18), "days": rng.randrange(365)})
    fields["received_at"] = received
    return changes({}, clean(fields))


def open_bench_session(store_dir: Path) -> tuple[Any, dict[str, Any]]:
    """The cached store, opened and checked as at sign-in, with Sam signed in to it."""
    from duty_desk.domain.clock import utc_now
    from duty_desk.domain.events import SYSTEM
    from duty_desk.services.context import Desk, SignedIn
    from duty_desk.services.paths import DeskPaths
    from duty_desk.store.database import Store

    meta = json.loads((store_dir / "bench.json").read_text(encoding="utf-8"))
    key = bytes.fromhex(meta["db_key"])
    store = Store.open(store_dir / "desk.db", key)
    desk = Desk(DeskPaths(store_dir), store, meta["device_id"], b"", key, utc_now)
    with desk.uow(SYSTEM, read_only=True) as uow:
        person = uow.people.get(meta["person_id"])
    assert person is not None
    size = sum(f.stat().st_size for f in store_dir.glob("desk.db*")) / 1e6
    return SignedIn(desk, person), {"size_mb": size, "count": meta["count"]}


# --- the whole run ---------------------------------------------------------------------------


def environment(runs: int, enquiries: int) -> dict[str, Any]:
    import platform

    return {
        "runs": runs,
        "enquiries": enquiries,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def run(runs: int, saves: int, enquiries: int, regenerate: bool) -> dict[str, Any]:
    results: dict[str, Any] = {"environment": environment(runs, enquiries)}
    work = Path(tempfile.mkdtemp(prefix="duty-desk-bench-"))
    try:
        with secret_service():
            results["save_new_desk"] = bench_save_new_desk(work, saves)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    store_dir, generation = ensure_store(cache_dir(), enquiries, regenerate)
    results["generation"] = generation
    results |= run_child(store_dir, runs, saves)
    return results


def report(results: dict[str, Any]) -> str:
    env, store, gen = results["environment"], results["store"], results["generation"]
    count = f"{env['enquiries']:,}"
    lines = [
        f"Duty Desk enquiry benchmark (N={env['runs']} runs, {env['cores']} cores, "
        f"Python {env['python']}, {count} enquiries in the large store)",
        save_line("save an enquiry (new desk)", results["save_new_desk"]),
    ]
    if "save_large" in results:
        lines.append(save_line(f"save an enquiry ({count})", results["save_large"]))
    page = results["open_list"]
    lines.append(speed_line("open the list (200 + count)", page, f"{page['total']:,} in all"))
    if "model" in results:
        model = results["model"]
        lines.append(speed_line("  as EnquiryListModel", model, f"{model['rows']} rows loaded"))
    for text, found in results["filters"].items():
        lines.append(speed_line(f"filter by name “{text}”", found, f"{found['total']:,} found"))
    tonight = results["shift_list"]
    lines.append(speed_line("tonight's shift list", tonight, f"{tonight['total']} enquiries"))
    memory = results.get("memory_after_model", results["memory_after_list"])
    rss_ok = max(memory["rss_mb"], memory["hwm_mb"]) <= RSS_TARGET_MB
    after = "the list and the model" if "memory_after_model" in results else "the list"
    lines.append(
        f"{'resident memory':<29}RSS {memory['rss_mb']:.0f} MB  peak {memory['hwm_mb']:.0f} MB "
        f"after {after} (the list alone: {results['memory_after_list']['rss_mb']:.0f} MB)   "
        f"(target ≤ {RSS_TARGET_MB:.0f} MB)   {verdict(rss_ok)}"
    )
    made = "generated this run" if gen["generated"] else "cached"
    lines.append(
        f"{'large store':<29}{store['size_mb']:,.0f} MB on disk, {made} ({gen['seconds']:.0f} s "
        f"to generate), opened in {store['open_s']:.1f} s: {gen['path']}"
    )
    return "\n".join(lines)


def save_line(label: str, figures: dict[str, Any]) -> str:
    return (
        f"{label:<29}p50 {figures['p50_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms   "
        f"first {figures['first_ms']:.0f} ms   (target p99 ≤ {figures['target_p99_ms']:.0f} ms)"
        f"   {verdict(figures['pass'])}  ({figures['count']} saves after {SAVE_WARMUP} warm-up)"
    )


def speed_line(label: str, figures: dict[str, Any], note: str) -> str:
    return (
        f"{label:<29}first {figures['first_ms']:.0f} ms  median {figures['median_ms']:.0f} ms  "
        f"max {figures['max_ms']:.0f} ms   (target ≤ {figures['target_ms']:.0f} ms)   "
        f"{verdict(figures['pass'])}  ({note})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.enquiries", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs of each timed read (7)")
    parser.add_argument("--saves", type=int, default=500, help="timed saves (500)")
    parser.add_argument("--enquiries", type=int, default=200_000, help="large store (200000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--regenerate", action="store_true", help="make the large store anew")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child's work
    args = parser.parse_args(argv)
    if args.runs < 1 or args.saves < 0 or args.enquiries < 1:
        parser.error("--runs and --enquiries must be at least 1, --saves at least 0")
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.runs, args.saves)))
        return 0
    try:
        results = run(args.runs, args.saves, args.enquiries, args.regenerate)
    except Exception as error:
        print(f"benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
