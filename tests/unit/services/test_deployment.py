"""The deployment settings council IT sets (read from /etc/duty-desk on Linux)."""

from __future__ import annotations

from pathlib import Path

from duty_desk.services.deployment import Deployment, from_file


def test_no_file_means_nothing_was_set(tmp_path: Path) -> None:
    assert from_file(tmp_path / "deployment.toml") == Deployment()


def test_the_organisation_and_day_service_are_read(tmp_path: Path) -> None:
    path = tmp_path / "deployment.toml"
    path.write_text('organisation = " Marlshire County Council "\n'
                    'day_service_url = "postgresql://day.example.gov.uk/dd?sslmode=verify-full"\n',
                    encoding="utf-8")  # fmt: skip
    assert from_file(path) == Deployment(
        "Marlshire County Council", "postgresql://day.example.gov.uk/dd?sslmode=verify-full"
    )


def test_a_bad_file_is_named_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "deployment.toml"
    path.write_text("organisation = [1, 2\n", encoding="utf-8")
    found = from_file(path)
    assert (found.organisation, found.day_service_url) == ("", "")
    assert str(path) in found.problem and "ignored" in found.problem
    path.write_text("organisation = 3\n", encoding="utf-8")
    assert "must be text" in from_file(path).problem
