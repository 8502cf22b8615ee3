"""settings.json: defaults when absent, and a plain message naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from duty_desk.domain.errors import ValidationError
from duty_desk.services.settings import Settings, load_settings, save_settings


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings(
        marking="OFFICIAL-SENSITIVE", idle_lock_minutes=10, appearance="system"
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    wanted = Settings(marking="OFFICIAL-SENSITIVE PERSONAL", idle_lock_minutes=5, appearance="dark")
    save_settings(path, wanted)
    assert load_settings(path) == wanted


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"idle_lock": 5}', "unknown settings: idle_lock. Known settings: marking,"),
        ('{"idle_lock_minutes": "ten"}', "a whole number of minutes from 1 to 120"),
        ('{"idle_lock_minutes": 0}', "a whole number of minutes from 1 to 120"),
        ('{"idle_lock_minutes": true}', "a whole number of minutes from 1 to 120"),
        ('{"marking": ""}', "marking must be 1 to 60 characters"),
        ('{"appearance": "purple"}', "Appearance must be one of system, light, dark"),
        ('{"purge_after_days": 0}', "purge_after_days must be a whole number of days from 1 to 90"),
        (
            '{"purge_after_days": 91}',
            "purge_after_days must be a whole number of days from 1 to 90",
        ),
        ('{"purge_after_days": "7"}', "purge_after_days must be a whole number of days from 1"),
        ('{"purge_after_days": 7.5}', "purge_after_days must be a whole number of days from 1"),
        ('{"purge_after_days": true}', "purge_after_days must be a whole number of days from 1"),
    ],
)
def test_a_bad_file_is_refused_in_plain_words(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message) as refused:
        load_settings(path)
    assert str(path) in str(refused.value)
    assert path.read_text(encoding="utf-8") == content  # never rewritten behind anyone's back


def test_saving_refuses_what_loading_would_refuse(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    with pytest.raises(ValidationError, match="idle lock"):
        save_settings(path, Settings(idle_lock_minutes=500))
    assert not path.exists()


def test_the_purge_waits_a_week_unless_set_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_settings(path).purge_after_days == 7
    path.write_text('{"purge_after_days": 30}', encoding="utf-8")
    assert load_settings(path).purge_after_days == 30
    with pytest.raises(ValidationError, match="how long after the day team acknowledges") as no:
        save_settings(path, Settings(purge_after_days=0))
    assert no.value.field == "purge_after_days"
