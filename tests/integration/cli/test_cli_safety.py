"""The command line never destroys a real desk, never shows a traceback, and lets a person
replace a password an administrator set."""

from __future__ import annotations

from duty_desk.domain.roles import Role
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import db_fingerprint, run_cli


def test_demo_replace_refuses_a_real_desk(admin: SignedIn, paths: DeskPaths) -> None:
    admin.desk.close()
    before = db_fingerprint(paths)
    result = run_cli("--data-dir", str(paths.root), "demo", "--replace")
    assert result.returncode == 2
    assert "holds a real desk, not a demo: nothing was changed" in result.stderr
    assert db_fingerprint(paths) == before
    sign_in(paths, "admin", ADMIN_PASSWORD).desk.close()


def test_demo_replace_rebuilds_a_demo_desk(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.services.desk import remove_desk

    root = tmp_path / "demo"
    try:
        assert run_cli("--data-dir", str(root), "demo").returncode == 0
        first = (root / "desk.json").read_bytes()
        again = run_cli("--data-dir", str(root), "demo")
        assert again.returncode == 0 and "--replace rebuilds it" in again.stdout
        assert run_cli("--data-dir", str(root), "demo", "--replace").returncode == 0
        assert (root / "desk.json").read_bytes() != first
    finally:
        remove_desk(DeskPaths(root))


def test_an_unexpected_error_shows_no_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "desk.json").write_text('{"format": 1, "device_id": "x", "slots": [1]}')
    result = run_cli(
        "--data-dir", str(tmp_path), "users", "list", "--as", "admin",
        env={"DUTY_DESK_PASSWORD": ADMIN_PASSWORD},
    )  # fmt: skip
    assert result.returncode in (2, 3)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("duty-desk: ")


def test_recover_on_an_empty_folder_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(
        "--data-dir", str(tmp_path / "nothing"), "recover", "--username", "admin",
        env={"DUTY_DESK_RECOVERY_KEY": "AAAA", "DUTY_DESK_NEW_PASSWORD": "a new password 1"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "There is no desk in" in result.stderr and "Traceback" not in result.stderr


def test_a_reset_password_must_be_replaced_before_anything_else(
    admin: SignedIn, paths: DeskPaths
) -> None:
    add_person(admin, "casey", "Casey Manager", Role.MANAGER, PASSWORD)
    env = {"DUTY_DESK_PASSWORD": PASSWORD}
    refused = run_cli("--data-dir", str(paths.root), "users", "list", "--as", "casey", env=env)
    assert refused.returncode == 2
    assert "choose your own before anything else" in refused.stderr
    changed = run_cli(
        "--data-dir", str(paths.root), "password", "--as", "casey",
        env={**env, "DUTY_DESK_NEW_PASSWORD": "a phrase of my own"},
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    env = {"DUTY_DESK_PASSWORD": "a phrase of my own"}
    listed = run_cli("--data-dir", str(paths.root), "users", "list", "--as", "casey", env=env)
    assert listed.returncode == 0 and "Casey Manager" in listed.stdout


def test_a_demo_is_only_built_in_an_empty_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    keep = tmp_path / "report.docx"
    keep.write_bytes(b"someone's document")
    result = run_cli("--data-dir", str(tmp_path), "demo")
    assert result.returncode == 2
    assert "is not empty. Build the demo desk in a new folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]
