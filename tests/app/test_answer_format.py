"""The dated list of a schedule answer keeps what the text says after its items."""

from __future__ import annotations

from types import SimpleNamespace

from app.answer_format import items_html


def test_lines_after_the_items_are_shown_with_their_links():
    """"… and N more." and what was cancelled are not items, yet belong to the answer."""
    answer = SimpleNamespace(
        items=[{"kind": "event", "title": "Standup", "start": "2026-03-26T09:00:00+01:00",
                "end": "2026-03-26T09:15:00+01:00", "location": ""}],
        text=("Tomorrow (Thu 26 Mar) you have 1 event:\n- Thu 26 Mar, 09:00–09:15: Standup [1]\n"
              "- Thu 26 Mar, 14:30–15:15: Dentist appointment — cancelled [2]"),
        sources=[object(), object()])
    html = items_html(answer, 0)
    assert "Standup" in html and "Dentist appointment — cancelled" in html
    assert 'href="cite:0:2"' in html and html.index("Standup") < html.index("Dentist")
