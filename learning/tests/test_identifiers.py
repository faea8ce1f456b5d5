"""No child is identified in the portal (3.1): the identifiers of a SIN, matched as whole words, ignoring
case and punctuation, initials with or without dots."""

import pytest

from learning.identifiers import child_identifiers, identifiers_found, incident_identifiers


class SeededIncident:
    children = "K.L., 14; Jamie Smith, 9 and baby RT"
    case_reference = "ZC24P01234"
    court = "Family Court at Leeds"


IDS = incident_identifiers(SeededIncident())


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The child K.L. was not seen alone.", ["K.L."]),
        ("the child kl was not seen", ["K.L."]),
        ("K. L. said", ["K.L."]),
        ("Jamie's school was not contacted", ["Jamie"]),
        ("SMITH family", ["Smith"]),
        ("J.S. and R.T.", ["JS", "baby RT"]),
        ("Case zc24 p01234 at the family court at leeds", ["ZC24P01234", "Family Court at Leeds"]),
    ],
)
def test_seeded_names_initials_and_references_are_found(text, found):
    assert set(found) <= set(identifiers_found(text, IDS))


@pytest.mark.parametrize(
    "text",
    [
        "KLM flights",
        "Smithson reported",
        "Jamieson",
        "A family court in the north",
        "The FCA saw the child alone.",
        "",
    ],
)
def test_only_whole_words_match(text):
    assert identifiers_found(text, IDS) == []


def test_ages_and_plain_words_are_no_identifiers():
    shown = [i.shown for i in child_identifiers("K.L., 14, sibling aged 3")]
    assert shown == ["K.L."]
