"""Report benchmark: a 300-enquiry handover pack, next to a minimal reportlab table.

``python -m benchmarks.reports [--enquiries N] [--runs N] [--json]`` makes a throwaway desk,
records N enquiries through the services (as a night would), hands them over, and times
``services.reports.handover_pack`` (reads, layout, save, audit) against a bare reportlab
table of the same rows (the fields the pack prints, one row per item) built in the same
run. Medians of --runs; targets: the pack in at most 3 s and at most 2x the bare table.
A measurement, not a test: exits 0 whatever the verdicts.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.secret_service import secret_service

PACK_TARGET_S = 3.0
RATIO_TARGET = 2.0
PASSWORD = "bench-night-shift"


def _desk(work: Path, count: int) -> tuple[Any, Any]:
    from duty_desk.domain.records import Contact
    from duty_desk.domain.roles import Role
    from duty_desk.services import handover
    from duty_desk.services.desk import create_desk, sign_in, sign_out
    from duty_desk.services.enquiries import create_enquiry
    from duty_desk.services.paths import DeskPaths
    from duty_desk.services.people import add_person
    from duty_desk.services.shifts import start_shift

    paths = DeskPaths(work / "desk")
    admin = create_desk(paths, "admin", "Bench Admin", "bench-password-123").session
    for user, name, role in (("sam", "Sam Okafor", Role.DUTY_SOCIAL_WORKER),
                             ("dana", "Dana Day", Role.DAY_TEAM)):  # fmt: skip
        add_person(admin, user, name, role, PASSWORD, must_change_password=False)
    sign_out(admin)
    sam = sign_in(paths, "sam", PASSWORD)
    start_shift(sam, ["Sam Okafor"], Contact("Priya Shah", "07700 900141"),
                Contact("Morgan Ellis", "07700 900142"))  # fmt: skip
    for n in range(count):
        create_enquiry(sam, {
            "channel": "police", "child_name": f"Siân Llŷr {n:03d}", "child_age": 9 + n % 8,
            "concerns": ["neglect", "domestic_abuse"], "receiving_team": f"Team {n % 5}",
            "summary": "Police called to the house after a neighbour heard shouting",
            "child_words": "I want to stay at Nan's tonight. Mum was shouting again.",
        })  # fmt: skip
    handover.submit_night(sam)
    sign_out(sam)
    return paths, sign_in(paths, "dana", PASSWORD)


def _bare_table(pack: Any) -> bytes:
    """The same rows in a plain reportlab table: no furniture, no sections, no flags."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from duty_desk.domain.clock import show_local
    from duty_desk.reports.document import styles

    cell = styles()["cell"]
    rows = [[Paragraph(str(v), cell) for v in (
        i.reference, show_local(i.received_at), i.child, i.age, i.concerns, i.summary, i.voice,
        i.decision, i.signoff, i.handover)] for i in pack.items]  # fmt: skip
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([Table(rows, repeatRows=1)])
    return out.getvalue()


def measure(count: int, runs: int) -> dict[str, Any]:
    from duty_desk.services import reports
    from duty_desk.services.desk import sign_out

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _, dana = _desk(work, count)
        try:
            pack_s, bare_s, pages = [], [], 0
            for run in range(runs):
                start = time.perf_counter()
                printed = reports.handover_pack(dana, work / f"pack-{run}.pdf")
                pack_s.append(time.perf_counter() - start)
                pages = printed.pages
                contents = reports.pack_contents(dana)
                start = time.perf_counter()
                _bare_table(contents)
                bare_s.append(time.perf_counter() - start)
        finally:
            sign_out(dana)
    pack, bare = statistics.median(pack_s), statistics.median(bare_s)
    return {"enquiries": count, "runs": runs, "pages": pages, "pack_s": pack, "bare_table_s": bare,
            "ratio": pack / bare, "target_s": PACK_TARGET_S, "target_ratio": RATIO_TARGET,
            "pass": pack <= PACK_TARGET_S and pack / bare <= RATIO_TARGET}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enquiries", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with secret_service():
        found = measure(args.enquiries, args.runs)
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    verdict = "PASS" if found["pass"] else "MISS"
    print(
        f"Handover pack, {found['enquiries']} enquiries ({found['pages']} pages), "
        f"median of {found['runs']}: {found['pack_s']:.2f} s (target <= {PACK_TARGET_S} s)"
    )
    print(f"Bare reportlab table of the same rows: {found['bare_table_s']:.2f} s; "
          f"ratio {found['ratio']:.2f}x (target <= {RATIO_TARGET}x)  {verdict}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
