"""Sign-off rules benchmark: a 200-rule file, and 10,000 decisions judged by it.

``python -m benchmarks.signoff [--rules N] [--decisions N] [--gate N] [--runs N] [--seed N]
[--json]`` writes a valid rules file of N varied rules (every condition and consequence the
format has), times reading and checking it (``--runs`` times), then times each of N generated
decisions: the facts of
an enquiry's content (``facts_of``) and their evaluation (``RuleSet.evaluate``), with
``time.perf_counter_ns``, printing p50, p99 and max per decision against the 1 ms target
with PASS/MISS. ``--gate N`` also times N decisions through the whole gate deciding calls
(``services.rules.gate`` in a unit of work on a temporary desk with the file installed),
printed separately. Like the other benchmarks it is a measurement, not a test: it exits 0
whatever the verdicts, non-zero only on errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.foundation import p99, verdict
from benchmarks.secret_service import secret_service

DECISION_P99_TARGET_MS = 1.0
WARMUP = 200
ROLES = ("duty_social_worker", "senior_practitioner", "manager", "senior_manager")
APPROVERS = ("senior_practitioner", "manager", "senior_manager")
ON = date(2026, 11, 22)


def _lists() -> dict[str, list[str]]:
    from duty_desk.domain import choices
    from duty_desk.domain.signoff_rules import VOICE_STATES
    from duty_desk.services.lists import decision_types

    return {
        "decision": sorted(decision_types().labels),
        "concerns_any": list(choices.CONCERNS),
        "legal_status": list(choices.LEGAL_STATUSES),
        "risk": list(choices.RISK_RATINGS),
        "worker_grade": list(ROLES),
        "child_voice": list(VOICE_STATES),
    }


# --- the rules file ---------------------------------------------------------------------------


def _when(rng: random.Random, lists: dict[str, list[str]], then: dict[str, Any]) -> dict[str, Any]:
    """One to four decision types, and up to two other conditions of any kind the format
    has; a block only where the child's voice is missing, as a council would write it."""
    when: dict[str, Any] = {"decision": sorted(rng.sample(lists["decision"], rng.randint(1, 4)))}
    if "block" in then:
        return when | {"child_voice": ["missing"]}
    others = [k for k in lists if k != "decision"] + ["age"]
    for key in rng.sample(others, rng.randint(0, 2)):
        if key == "age":
            low = rng.randint(0, 12)
            when |= rng.choice(
                [{"age_under": low + 1}, {"age_at_least": low},
                 {"age_at_least": low, "age_under": low + rng.randint(1, 6)}]
            )  # fmt: skip
        else:
            when[key] = sorted(rng.sample(lists[key], rng.randint(1, min(3, len(lists[key])))))
    return when


def _then(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.03:
        return {"block": "Record what the child said, or why not, before deciding."}
    then: dict[str, Any] = {"requires": rng.choice(APPROVERS)}
    if rng.random() < 0.7:
        then["within_minutes"] = rng.choice([30, 60, 120, 240, 720])
    if rng.random() < 0.6:
        then |= {"verbal": True, "confirm_within_hours": rng.choice([6, 12, 24, 48])}
    if rng.random() < 0.4:
        then["reason_required"] = True
    return then


def _toml(value: Any) -> str:
    return (
        json.dumps(value, ensure_ascii=False) if not isinstance(value, bool) else str(value).lower()
    )


def rules_file(count: int, rng: random.Random) -> str:
    """A valid file of ``count`` rules, no two with the same conditions."""
    lists = _lists()
    lines = ["format = 1", 'version = "bench-200"', 'description = "Generated for the benchmark"']
    seen: set[str] = set()
    while len(seen) < count:
        then = _then(rng)
        when = _when(rng, lists, then)
        key = json.dumps(when, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        lines += ["", "[[rule]]", f'id = "rule-{len(seen):03d}"']
        lines.append(f'description = "Generated rule {len(seen)}: {", ".join(when)}."')
        lines.append("[rule.when]")
        lines += [f"{k} = {_toml(v)}" for k, v in when.items()]
        lines.append("[rule.then]")
        lines += [f"{k} = {_toml(v)}" for k, v in then.items()]
    return "\n".join(lines) + "\n"


# --- the decisions -----------------------------------------------------------------------------


def decision(rng: random.Random, lists: dict[str, list[str]]) -> tuple[dict[str, Any], str]:
    """An enquiry's content as stored, and the role of the person deciding it."""
    content: dict[str, Any] = {
        "decision_type": rng.choice(lists["decision"]),
        "concerns": rng.sample(lists["concerns_any"], rng.randint(1, 3)),
        "risk_rating": rng.choice(lists["risk"]),
        "received_at": "2026-11-22T02:10:00.000000Z",
    }
    if rng.random() < 0.6:
        content["legal_status"] = rng.choice(lists["legal_status"])
    age = rng.random()
    if age < 0.6:
        content["child_dob"] = (ON - timedelta(days=rng.randint(30, 17 * 365))).isoformat()
    elif age < 0.9:
        content["child_age"] = rng.randint(0, 17)
    voice = rng.random()
    if voice < 0.8:
        content["child_words"] = "I want to stay at Nan's."
    elif voice < 0.95:
        content["voice_not_heard_reason"] = "Asleep when the police called."
    return content, rng.choice(ROLES)


def _ms(samples_ns: list[int]) -> dict[str, Any]:
    ms = [n / 1e6 for n in samples_ns]
    return {
        "count": len(ms),
        "p50_ms": statistics.median(ms),
        "p99_ms": p99(ms),
        "max_ms": max(ms),
        "target_p99_ms": DECISION_P99_TARGET_MS,
        "pass": p99(ms) <= DECISION_P99_TARGET_MS,
    }


def bench_parse(text: str, runs: int) -> tuple[Any, dict[str, Any]]:
    from duty_desk.domain.signoff_rules import parse_rules
    from duty_desk.services.lists import decision_types

    labels = decision_types().labels
    times, rules = [], None
    for _ in range(runs):
        start = time.perf_counter_ns()
        rules = parse_rules(text, labels, "bench.toml")
        times.append(time.perf_counter_ns() - start)
    ms = [n / 1e6 for n in times]
    return rules, {"runs": len(ms), "median_ms": statistics.median(ms), "max_ms": max(ms)}


def bench_decisions(rules: Any, decisions: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
    from duty_desk.domain.signoff_rules import facts_of

    whole: list[int] = []
    evaluate: list[int] = []
    applied = needed = blocked = 0
    for n, (content, role) in enumerate(decisions[:WARMUP] + decisions):
        start = time.perf_counter_ns()
        facts = facts_of(content, role, ON)
        middle = time.perf_counter_ns()
        required = rules.evaluate(facts)
        end = time.perf_counter_ns()
        if n < WARMUP:
            continue
        whole.append(end - start)
        evaluate.append(end - middle)
        applied += len(required.rule_ids)
        needed += required.needed
        blocked += bool(required.blocks)
    count = len(decisions)
    return {
        "per_decision": _ms(whole),
        "evaluate_only": _ms(evaluate),
        "rules_applied_mean": applied / count,
        "needing_signoff": needed / count,
        "blocked": blocked / count,
    }


def bench_gate(text: str, decisions: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
    """The gate deciding calls, in a unit of work on a real desk with the file installed."""
    from duty_desk.domain.enquiry import EnquiryInvalid
    from duty_desk.services import rules
    from duty_desk.services.desk import create_desk, remove_desk
    from duty_desk.services.paths import DeskPaths

    work = Path(tempfile.mkdtemp(prefix="duty-desk-bench-"))
    try:
        with secret_service():
            paths = DeskPaths(work / "desk")
            admin = create_desk(paths, "admin", "Bench Admin", "bench-password-123").session
            try:
                rules.install_rules(admin, text, "bench.toml")
                now = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)
                handover = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
                times: list[int] = []
                for n, (content, role) in enumerate(decisions[:WARMUP] + decisions):
                    with admin.uow(read_only=True) as uow:
                        uow.people.get(admin.person.id)  # as deciding has read the enquiry
                        start = time.perf_counter_ns()
                        with suppress(EnquiryInvalid):  # a blocked decision is judged too
                            rules.gate(uow, content, role, now, handover)
                        if n >= WARMUP:
                            times.append(time.perf_counter_ns() - start)
            finally:
                admin.desk.close()
                remove_desk(paths)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _ms(times)


# --- the whole run -----------------------------------------------------------------------------


def run(
    rule_count: int, decision_count: int, gate_count: int, runs: int, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    text = rules_file(rule_count, rng)
    lists = _lists()
    decisions = [decision(rng, lists) for _ in range(decision_count)]
    rules, parse = bench_parse(text, runs)
    results: dict[str, Any] = {
        "environment": {
            "rules": rule_count,
            "decisions": decision_count,
            "seed": seed,
            "file_kb": len(text.encode("utf-8")) / 1024,
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "parse": parse,
        "decisions": bench_decisions(rules, decisions),
    }
    if gate_count:
        results["gate"] = bench_gate(text, decisions[:gate_count])
    return results


def report(results: dict[str, Any]) -> str:
    env, parse, found = results["environment"], results["parse"], results["decisions"]
    lines = [
        f"Duty Desk sign-off rules benchmark ({env['rules']} rules, {env['decisions']:,} "
        f"decisions, seed {env['seed']}, {env['cores']} cores, Python {env['python']})",
        f"{'read and check the file':<32}median {parse['median_ms']:.1f} ms  max "
        f"{parse['max_ms']:.1f} ms   ({env['file_kb']:.0f} KB, {parse['runs']} runs)",
        timing_line("facts + evaluate, per decision", found["per_decision"]),
        timing_line("  evaluate alone", found["evaluate_only"]),
        f"{'':<32}{found['rules_applied_mean']:.1f} rules apply on average; "
        f"{found['needing_signoff']:.0%} need sign-off, {found['blocked']:.0%} blocked",
    ]
    if "gate" in results:
        lines.append(timing_line("gate in a unit of work", results["gate"]))
    return "\n".join(lines)


def timing_line(label: str, figures: dict[str, Any]) -> str:
    return (
        f"{label:<32}p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
        f"max {figures['max_ms']:.3f} ms   (target p99 ≤ {figures['target_p99_ms']:.0f} ms)   "
        f"{verdict(figures['pass'])}  ({figures['count']:,} decisions)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.signoff", description=__doc__)
    parser.add_argument("--rules", type=int, default=200, help="rules in the file (200)")
    parser.add_argument("--decisions", type=int, default=10_000, help="decisions (10000)")
    parser.add_argument("--gate", type=int, default=1000, help="through the gate (1000; 0: skip)")
    parser.add_argument("--runs", type=int, default=20, help="reads of the file (20)")
    parser.add_argument("--seed", type=int, default=2026, help="for the generated data (2026)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if min(args.rules, args.decisions, args.runs) < 1 or not 0 <= args.gate <= args.decisions:
        parser.error("--rules, --decisions and --runs must be at least 1, --gate 0 to --decisions")
    try:
        results = run(args.rules, args.decisions, args.gate, args.runs, args.seed)
    except Exception as error:
        print(f"benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
