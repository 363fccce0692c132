"""comptoir/core/recent.py: the last entries, as objects, each until its timeout."""

from comptoir.core import recent
from comptoir.core.recent import Recent, clear_all


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_it_gives_back_the_very_object_put(monkeypatch):
    entries = Recent(size=4)
    value = {"body": "<p>Baguette</p>"}
    entries.put("page", value, 30)
    assert entries.get("page") is value
    assert entries.get("another page") is None


def test_an_entry_ends_with_its_timeout(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(recent.time, "monotonic", clock)
    entries = Recent(size=4)
    entries.put("page", "html", 30)
    clock.now += 29.9
    assert entries.get("page") == "html"
    clock.now += 0.1
    assert entries.get("page") is None
    assert "page" not in entries.entries


def test_the_oldest_entry_makes_room_when_full():
    entries = Recent(size=2)
    entries.put("a", "A", 30)
    entries.put("b", "B", 30)
    entries.put("a", "A again", 30)  # put anew: now the youngest
    entries.put("c", "C", 30)
    assert entries.get("b") is None
    assert (entries.get("a"), entries.get("c")) == ("A again", "C")
    assert len(entries.entries) == 2


def test_clear_all_empties_every_one():
    first, second = Recent(size=2), Recent(size=2)
    first.put("a", "A", 30)
    second.put("b", "B", 30)
    clear_all()
    assert first.get("a") is None
    assert second.get("b") is None
