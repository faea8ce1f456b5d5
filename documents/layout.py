"""The layout the Word forms share, so that a form the system prints can be read back.

Each form is a two-column table, label | entry, and the criteria are lines
that start with a box: "☐" to leave, "☒" (or "[x]") when it applies. The
labels are the ones the pages use; the criteria are the words of source 2.1
and 2.11, read from the Criterion table.
"""

import re
import unicodedata

SIN_FORM_TITLE = "Serious Incident Notification (SIN) form"
CR1_FORM_TITLE = "SIN Case Review Form (CR1)"
# Written into the document's properties; the importer checks it when present.
SIN_FORM_MARKER = "cafcass-sin-form:v1"
CR1_FORM_MARKER = "cafcass-cr1-form:v1"

UNTICKED = "☐"
TICKED = "☒"
TICK_MARKS = ("☒", "☑", "✔", "✓", "✗", "✘", "[x]", "[X]", "(x)", "(X)", "x ", "X ")
UNTICK_MARKS = ("☐", "□", "[ ]", "[]", "( )")

# (field, label, longest text accepted). The order is the form's order.
CASE_FIELDS = [
    ("title", "Short title", 150),
    ("children", "Child or children", 2000),
    ("case_reference", "Cafcass case reference", 40),
    ("court", "Court", 150),
    ("incident_date", "Date of the incident", None),
    ("aware_date", "Date Cafcass became aware", None),
    ("what_happened", "What happened", 20000),
    ("cafcass_involvement", "Cafcass's involvement", 20000),
    ("other_agencies", "Other agencies involved", 10000),
    ("media_risk", "Media or reputational risk", 10000),
    ("immediate_actions", "Immediate actions taken", 20000),
    ("other_description", "Other: please specify", 5000),
]
NON_CASE_LABELS = {"cafcass_involvement": "Who and what is affected"}
NON_CASE_OMITTED = {"children", "case_reference", "court"}
DATE_FIELDS = {"incident_date", "aware_date"}

CR1_FIELDS_LABELS = [
    ("summary", "Case summary"),
    ("chronology", "Chronology"),
    ("analysis_of_practice", "Analysis of practice"),
    ("findings", "Findings"),
    ("learning_identified", "Learning identified"),
    ("recommendations", "Recommendations"),
]

DATE_HINT = "DD/MM/YYYY"


def form_fields(kind: str) -> list[tuple[str, str, int | None]]:
    """The SIN form's rows for a case-related or non-case SIN."""
    if kind == "non_case":
        return [
            (name, NON_CASE_LABELS.get(name, label), limit) for name, label, limit in CASE_FIELDS if name not in NON_CASE_OMITTED
        ]
    return list(CASE_FIELDS)


def normalise(text: str) -> str:
    """For comparing labels and criteria: case, spacing, quotes and dashes do not matter."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.rstrip(":*").strip()


# Characters XML 1.0 (and so Word) cannot hold; pasted text sometimes carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))
