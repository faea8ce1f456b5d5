"""No child is identified in the Learning Portal (3.1: learning is read across the organisation).

The identifiers of a SIN are each name or set of initials in its child field ("K.L., 14" gives "K.L.",
matched as "K.L.", "K. L.", "KL" or "kl"; "Jamie Smith, 9" gives the full name, each name and the
initials "JS"), its Cafcass case reference and its court. Text is compared as words: case and
punctuation are ignored, and only whole words match, so "KL" is found in "K.L. said" but not in "KLM",
and "ZC24P01234" in "ZC24 P01234".
The quarterly report reuses `identifiers_found`.
"""

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SEPARATORS = re.compile(r"[,;/\n]+|\band\b|&", re.IGNORECASE)
# Words that are no identifier on their own, however the child field is written.
_NOT_NAMES = frozenset(
    {
        "child",
        "children",
        "sibling",
        "siblings",
        "aged",
        "age",
        "years",
        "year",
        "old",
        "yrs",
        "months",
        "baby",
        "unborn",
        "boy",
        "girl",
        "mother",
        "father",
        "the",
        "of",
        "and",
        "to",
    }
)


def words(text: str) -> list[str]:
    """The text as lower-case words, punctuation dropped."""
    return [w.lower() for w in _WORD.findall(text or "")]


@dataclass(frozen=True)
class Identifier:
    """What is looked for (`shown`, as the SIN wrote it) and its spellings as word sequences."""

    shown: str
    spellings: tuple[tuple[str, ...], ...]


def _variants(piece_words: list[str]) -> set[tuple[str, ...]]:
    joined = "".join(piece_words)
    return {tuple(piece_words), (joined,)}


def child_identifiers(children: str) -> list[Identifier]:
    """Each name and set of initials in a SIN's child field."""
    found = []
    for piece in _SEPARATORS.split(children or ""):
        piece_words = [w for w in words(piece) if not w.isdigit() and w not in _NOT_NAMES]
        if not piece_words:
            continue
        shown = piece.strip(" ,;()")
        if all(len(w) == 1 for w in piece_words) or (len(piece_words) == 1 and len(piece_words[0]) <= 3):
            # Initials: "K.L.", "K L", "KL".
            letters = list("".join(piece_words))
            found.append(Identifier(shown, tuple(_variants(letters))))
            continue
        found.append(Identifier(shown, tuple(_variants(piece_words))))
        for name in piece_words:
            if len(name) >= 2:
                found.append(Identifier(name.capitalize(), ((name,),)))
        if len(piece_words) > 1:
            letters = [w[0] for w in piece_words]
            found.append(Identifier("".join(letters).upper(), tuple(_variants(letters))))
    return found


def incident_identifiers(incident) -> list[Identifier]:
    """The identifiers of a SIN: its children, its case reference and its court."""
    found = child_identifiers(incident.children)
    for value in (incident.case_reference, incident.court):
        value_words = words(value)
        if value_words:
            found.append(Identifier(value.strip(), tuple(_variants(value_words))))
    return found


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    """Whether whole words of the text, run together, spell the needle: "K. L." and "KL" both spell "kl",
    "ZC24 P01234" spells "zc24p01234"; "KLM" does not spell "kl"."""
    target = "".join(needle)
    for start in range(len(haystack)):
        spelt = ""
        for word in haystack[start:]:
            spelt += word
            if spelt == target:
                return True
            if len(spelt) >= len(target) or not target.startswith(spelt):
                break
    return False


def identifiers_found(text: str, identifiers: list[Identifier]) -> list[str]:
    """Which identifiers appear in `text`, as the SIN wrote them, each once."""
    text_words = words(text)
    shown = []
    for identifier in identifiers:
        if identifier.shown not in shown and any(_contains(text_words, s) for s in identifier.spellings if s):
            shown.append(identifier.shown)
    return shown


def item_identifier_errors(item, values: dict[str, str] | None = None) -> dict[str, str]:
    """For each heading (and the title) of an item carried from a SIN, the message saying which of the
    SIN's identifiers it still holds. `values` overrides the item's own text (a form being saved)."""
    from .choices import HEADINGS

    if item.incident_id is None:
        return {}
    identifiers = incident_identifiers(item.incident)
    errors = {}
    for name, label in (("title", "The title"), *HEADINGS):
        text = (values or {}).get(name, getattr(item, name))
        found = identifiers_found(text, identifiers)
        if found:
            errors[name] = (
                f"{label} identifies a child or their case ({', '.join(found)}): remove it before the learning is published"
            )
    return errors
