"""Custody benchmark: the live clocks' tick, and the monitoring figures.

``python -m benchmarks.custody [--cases N] [--ticks N] [--figures N] [--seed N] [--json]``
generates N open cases' timelines (charge, request, some answered, reviews, placements) and
times one tick of the tracker: ``custody_clocks.clocks`` and ``warnings`` for every open
case, as the Custody place and the strip do every 15 s on the GUI thread (target: p99
≤ 5 ms for 20 cases, well inside a frame). Then it times the Concordat figures and their CSV
over N closed cases (target ≤ 200 ms for 10,000). A measurement, not a test: it exits 0
whatever the verdicts.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from benchmarks.foundation import p99, verdict
from duty_desk.domain.custody_clocks import Instants, Thresholds, clocks, warnings
from duty_desk.domain.custody_figures import CaseFacts, figures, to_csv

TICK_P99_TARGET_MS = 5.0
FIGURES_TARGET_MS = 200.0
NOW = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)


def open_case(rng: random.Random) -> Instants:
    charge = NOW - timedelta(minutes=rng.randint(30, 900))
    request = charge + timedelta(minutes=rng.randint(0, 60))
    answered = rng.random() < 0.5
    reviews = tuple(charge + timedelta(hours=h) for h in (6, 15) if rng.random() < 0.3)
    return Instants(
        detention_authorised=charge - timedelta(hours=2),
        charge=charge,
        request=min(request, NOW),
        response=min(request + timedelta(minutes=20), NOW) if answered else None,
        identified=None,
        left=None,
        reviews=tuple(r for r in reviews if r < NOW),
    )


def closed_case(rng: random.Random) -> CaseFacts:
    requested = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 500_000))
    outcome = rng.choice(["transferred", "bailed_released", "remained"])
    minutes = [timedelta(minutes=rng.randint(1, 600)) for _ in range(3)]
    return CaseFacts(
        requested_at=requested,
        age_at_charge=rng.randint(10, 17),
        gender=rng.choice(["female", "male", "other", "not_known", None]),
        ethnicity=rng.choice(["asian", "black", "mixed", "white", "other", "not_stated", None]),
        request_type=rng.choice(["secure", "non_secure", None]),
        outcome=outcome,
        certificate_issued=rng.choice([True, False]) if outcome == "remained" else None,
        certificate_reason="impracticable" if outcome == "remained" else None,
        overnight=rng.random() < 0.4,
        charge_to_request=minutes[0],
        request_to_response=minutes[1],
        request_to_left=minutes[2] if outcome != "remained" else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=2000)
    parser.add_argument("--figures", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = [open_case(rng) for _ in range(args.cases)]
    thresholds = Thresholds()
    ticks: list[float] = []
    shown = 0
    for tick in range(args.ticks):
        now = NOW + timedelta(seconds=15 * tick)
        start = time.perf_counter_ns()
        for case in cases:
            clocks(case, now)
            shown += len(warnings(case, now, thresholds))
        ticks.append((time.perf_counter_ns() - start) / 1e6)
    closed = [closed_case(rng) for _ in range(args.figures)]
    runs: list[float] = []
    for _ in range(5):
        start = time.perf_counter_ns()
        to_csv(figures(closed, date(2026, 1, 1), date(2026, 12, 31)))
        runs.append((time.perf_counter_ns() - start) / 1e6)
    result = {
        "tick_cases": args.cases,
        "tick_p50_ms": statistics.median(ticks),
        "tick_p99_ms": p99(ticks),
        "tick_max_ms": max(ticks),
        "warnings_per_tick": shown / args.ticks,
        "figures_cases": args.figures,
        "figures_median_ms": statistics.median(runs),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    tick_ok = result["tick_p99_ms"] <= TICK_P99_TARGET_MS
    figures_ok = result["figures_median_ms"] <= FIGURES_TARGET_MS
    print(
        f"custody tick, {args.cases} open cases ({args.ticks} ticks, "
        f"{result['warnings_per_tick']:.1f} warnings each):"
    )
    print(
        f"  p50 {result['tick_p50_ms']:.3f} ms  p99 {result['tick_p99_ms']:.3f} ms  "
        f"max {result['tick_max_ms']:.3f} ms  target p99 <= {TICK_P99_TARGET_MS} ms: "
        f"{verdict(tick_ok)}"
    )
    print(
        f"monitoring figures + CSV, {args.figures:,} cases: median "
        f"{result['figures_median_ms']:.1f} ms (5 runs)  target <= {FIGURES_TARGET_MS:.0f} ms: "
        f"{verdict(figures_ok)}"
    )


if __name__ == "__main__":
    main()
