from __future__ import annotations

from duty_desk.ui.single_instance import SingleInstance


def test_second_launch_asks_the_first_to_come_forward(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    first = SingleInstance(tmp_path)
    assert not first.ask_running_instance()
    assert first.listen()
    second = SingleInstance(tmp_path)
    with qtbot.waitSignal(first.raise_requested, timeout=3000):
        assert second.ask_running_instance()
    other_desk = SingleInstance(tmp_path / "elsewhere")
    assert not other_desk.ask_running_instance()
