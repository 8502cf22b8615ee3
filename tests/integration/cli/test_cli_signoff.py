"""``duty-desk rules ...`` and ``duty-desk signoff ...``: the real command, as a process."""

from __future__ import annotations

from pathlib import Path
from subprocess import CompletedProcess

from duty_desk.domain.signoff import SignoffState
from duty_desk.services import signoff
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from duty_desk.services.rules import default_text, rules_in_force
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.integration.services.test_signoff_flow import decided
from tests.support import events_of_type, run_cli


def _cli(paths: DeskPaths, user: str, *args: str) -> CompletedProcess[str]:
    password = ADMIN_PASSWORD if user == "admin" else PASSWORD
    env = {"DUTY_DESK_PASSWORD": password, "DUTY_DESK_USER": user}
    return run_cli("--data-dir", str(paths.root), *args, env=env)


def test_check_names_the_line_and_install_keeps_the_rules_in_force(
    admin: SignedIn, paths: DeskPaths, tmp_path: Path
) -> None:
    bad = tmp_path / "council.toml"
    bad.write_text(default_text().replace('requires = "manager"', 'requires = "day_team"'))
    line = default_text().splitlines().index('requires = "manager"') + 1
    checked = _cli(paths, "admin", "rules", "check", str(bad))
    assert checked.returncode == 2
    assert f"council.toml, line {line}: rule 'legal-or-accommodation': 'day_team'" in (
        checked.stderr
    )
    refused = _cli(paths, "admin", "rules", "install", str(bad))
    assert refused.returncode == 2 and f"line {line}" in refused.stderr
    assert rules_in_force(admin).rules.version == "default-2026-11b"

    good = tmp_path / "council-v2.toml"
    good.write_text(default_text().replace('"default-2026-11b"', '"marlshire-3"'))
    assert _cli(paths, "admin", "rules", "check", str(good)).returncode == 0
    installed = _cli(paths, "admin", "rules", "install", str(good))
    assert installed.returncode == 0, installed.stderr
    assert "'marlshire-3'" in installed.stdout
    assert rules_in_force(admin).rules.version == "marlshire-3"
    shown = _cli(paths, "admin", "rules", "show")
    assert "from council-v2.toml" in shown.stdout and "voice-missing" in shown.stdout


def test_a_worker_may_not_install_rules(on_shift: SignedIn, paths: DeskPaths) -> None:
    installed = _cli(paths, "sam", "rules", "install", str(Path("resources/rules/signoff.toml")))
    assert installed.returncode == 2
    assert "may not install sign-off rules" in installed.stderr


def test_queue_approve_and_verbal_from_the_command_line(
    on_shift: SignedIn, approvers: dict[str, SignedIn], paths: DeskPaths
) -> None:
    nfa = decided(on_shift, decision_type="advice_nfa")
    protection = decided(on_shift, decision_type="police_protection")
    queued = _cli(paths, "priya", "signoff", "queue")
    assert queued.returncode == 0, queued.stderr
    assert nfa.reference in queued.stdout and protection.reference not in queued.stdout
    refused = _cli(paths, "priya", "signoff", "approve", nfa.reference)
    assert refused.returncode == 2 and "Give your reasons" in refused.stderr
    approved = _cli(paths, "priya", "signoff", "approve", nfa.reference, "--comments", "Agreed.")
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout == "Version 1: Signed off.\n"

    verbal = _cli(paths, "sam", "signoff", "verbal", protection.reference,
                  "--approver", "morgan", "--how", "phone")  # fmt: skip
    assert verbal.returncode == 0, verbal.stderr
    assert "Verbal — awaiting confirmation" in verbal.stdout
    confirmed = _cli(paths, "morgan", "signoff", "confirm", protection.reference)
    assert confirmed.returncode == 0, confirmed.stderr
    found = signoff.signoff_of(on_shift, protection.id)
    assert found is not None and found.state is SignoffState.CONFIRMED
    said = events_of_type(paths.database, on_shift.desk.db_key, "signoff.verbal_confirmed")
    assert [e["actor_id"] for e in said] == [approvers["morgan"].person.id]
    assert said[0]["payload"]["rule_ids"] == ["legal-or-accommodation"]
