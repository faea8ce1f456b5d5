"""Reading a completed SIN form (.docx) back: the interim process of source 2.8.

`read_sin_form(data)` returns what it could read and what still needs
completing, or raises DocumentImportError with a message for the person. It
raises nothing else, whatever the bytes: the checks on size, container and
layout come first, and any failure of the Word parser is turned into that
one exception.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from incidents.models import Criterion

from .layout import (
    CR1_FORM_MARKER,
    DATE_FIELDS,
    TICK_MARKS,
    UNTICK_MARKS,
    form_fields,
    normalise,
    xml_safe,
)

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d %m %Y"]

MACROS = (
    "The Word document contains macros or embedded objects. Save it as a Word document (.docx) without them, and upload it again."
)
# Content types of macros and active content, whatever the part is called (vbaProject.bin renamed
# vbaData.bin is still a VBA project): .docm main parts, VBA projects and their data, ActiveX.
ACTIVE_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"vbadata", b"activex", b"oleobject", b"keymapcustomizations")
OLE_SIGNATURE = OLE_MAGIC[:4]  # D0 CF 11 E0: a compound file (a VBA project, an embedded object), whatever its name
MAX_NESTED_PACKAGES = 2
NOT_WORD = "The file is not a Word document (.docx). Download the blank SIN form, complete it in Word and upload that."
DAMAGED = "The Word document could not be opened: it may be damaged or incomplete. Save it again in Word and upload it again."


class DocumentImportError(Exception):
    """The file cannot be imported; `message` says why, for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportedForm:
    """What was read from a completed form."""

    kind: str = "case"
    values: dict = field(default_factory=dict)
    criteria: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # fields with an entry that was taken
    missing: list[str] = field(default_factory=list)  # fields left empty or not found
    problems: dict[str, str] = field(default_factory=dict)  # fields whose entry could not be taken, and why


def check_container(data: bytes) -> None:
    if not data:
        raise DocumentImportError("The selected file is empty.")
    if data.startswith(OLE_MAGIC):
        raise DocumentImportError(
            "The file is password-protected, or saved in the old Word 97-2003 format (.doc). "
            "Remove the password, or save it as a Word document (.docx), and upload it again."
        )
    if not data.startswith(ZIP_MAGIC):
        raise DocumentImportError(NOT_WORD)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
                raise DocumentImportError(
                    "The Word document is too large once opened. Remove pictures or attachments from it and try again."
                )
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise DocumentImportError(NOT_WORD)
            if _has_active_content(archive):
                raise DocumentImportError(MACROS)
    except DocumentImportError:
        raise
    except Exception as error:  # BadZipFile, truncated central directory, bad offsets...
        raise DocumentImportError(DAMAGED) from error


def _declared_content_types(archive: zipfile.ZipFile) -> list[bytes]:
    """Every ContentType in [Content_Types].xml, lower-cased (read as text: no XML parser for untrusted input)."""
    try:
        declared = archive.read("[Content_Types].xml")[:200_000]
    except KeyError:
        return []
    return [value.lower() for value in re.findall(rb"""ContentType\s*=\s*["']([^"']*)["']""", declared)]


def _has_active_content(archive: zipfile.ZipFile, depth: int = 0) -> bool:
    """Macros or embedded objects, found by what the package declares and by what its parts hold, never by their names.

    Any part that is a compound file (a VBA project, an OLE object) counts, whatever it is
    called or declared as; a package inside the package (an embedded workbook) is looked into too.
    """
    if any(marker in content_type for content_type in _declared_content_types(archive) for marker in ACTIVE_CONTENT_TYPES):
        return True
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        with archive.open(entry) as part:
            start = part.read(4)
        if start == OLE_SIGNATURE:
            return True
        if start == ZIP_MAGIC and depth < MAX_NESTED_PACKAGES:
            with zipfile.ZipFile(io.BytesIO(archive.read(entry))) as inner:
                if _has_active_content(inner, depth + 1):
                    return True
    return False


def _parse_date(text: str) -> date | None:
    text = re.sub(r"\s+", " ", text.strip())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _split_mark(text: str) -> tuple[bool | None, str]:
    """(True, rest) for a ticked line, (False, rest) for an empty box, (None, text) for anything else."""
    stripped = text.strip()
    for mark in TICK_MARKS:
        if stripped.startswith(mark):
            return True, stripped[len(mark) :]
    for mark in UNTICK_MARKS:
        if stripped.startswith(mark):
            return False, stripped[len(mark) :]
    return None, stripped


def _cells(row):
    """The first two distinct cells of a table row (a merged cell appears once)."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(cell)
    return cells


def _form_kind(document) -> str:
    """Which SIN form this is, by the marker the blank form carries; the CR1 is refused."""
    properties = document.core_properties
    marker = f"{properties.subject or ''};{properties.keywords or ''}"
    if CR1_FORM_MARKER in marker:
        raise DocumentImportError("This is the case review form (CR1), not the SIN form. Upload a completed SIN form.")
    return "non_case" if "non_case" in marker else "case"


def _table_entries(document) -> dict[str, str]:
    """The right-hand cell of each label | entry row whose label is a form field's, by field name (first one wins)."""
    labels = {}
    for name, label, limit in form_fields("case") + form_fields("non_case"):
        labels.setdefault(normalise(label), (name, limit))
    found: dict[str, str] = {}
    for table in document.tables:
        for row in table.rows:
            cells = _cells(row)
            if len(cells) < 2:
                continue
            key = normalise(cells[0].text)
            if key in labels and labels[key][0] not in found:
                found[labels[key][0]] = cells[1].text
    return found


def _ticked_criteria(document, kind: str) -> tuple[list[str], int]:
    """The codes of the criteria ticked, in the order of the paper, and how many criteria boxes were found at all."""
    from docx.text.paragraph import Paragraph

    criteria = {normalise(c.text): c.code for c in Criterion.objects.filter(kind=kind, active=True)}
    boxes_seen = 0
    ticked = []
    body = document.element.body
    for element in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        ticked_line, rest = _split_mark(Paragraph(element, document).text)
        if ticked_line is None:
            continue
        code = criteria.get(normalise(rest))
        if code is None:
            continue
        boxes_seen += 1
        if ticked_line and code not in ticked:
            ticked.append(code)
    return ticked, boxes_seen


def _take_entry(result: ImportedForm, name: str, raw: str, limit: int | None, today: date) -> None:
    """One field's entry into values (and read), or why it could not be taken into problems."""
    if name in DATE_FIELDS:
        value = _parse_date(raw)
        if value is None:
            result.problems[name] = f"The date '{raw[:40]}' could not be read: enter it as day, month and year"
            return
        if value > today:
            result.problems[name] = "The date is in the future"
            return
        result.values[name] = value
    else:
        if limit is not None and len(raw) > limit:
            result.problems[name] = f"The entry is too long ({len(raw)} characters; at most {limit})"
            return
        result.values[name] = raw
    result.read.append(name)


def _take_entries(result: ImportedForm, found: dict[str, str]) -> None:
    """Every field of the form's kind: taken, missing, or a problem; then the checks across fields."""
    today = timezone.localdate()
    for name, _label, limit in form_fields(result.kind):
        raw = xml_safe(found.get(name, "")).replace("\r\n", "\n").replace("\r", "\n").strip()
        if not raw:
            result.missing.append(name)
            continue
        _take_entry(result, name, raw, limit, today)
    incident_date, aware_date = result.values.get("incident_date"), result.values.get("aware_date")
    if incident_date and aware_date and aware_date < incident_date:
        del result.values["aware_date"]
        result.read.remove("aware_date")
        result.problems["aware_date"] = "The date Cafcass became aware is before the date of the incident"
    if "other_description" in result.missing:
        # Only asked for when 'Other' is ticked.
        result.missing.remove("other_description")


def _read(document) -> ImportedForm:
    kind = _form_kind(document)
    result = ImportedForm(kind=kind)
    found = _table_entries(document)
    ticked, boxes_seen = _ticked_criteria(document, kind)
    if not found and not boxes_seen:
        raise DocumentImportError(
            "This Word document does not follow the layout of the SIN form, so nothing could be read from it. "
            "Download the blank SIN form, copy the details into it and upload that."
        )
    result.criteria = ticked
    _take_entries(result, found)
    return result


def read_sin_form(data: bytes) -> ImportedForm:
    """Read a completed SIN form; DocumentImportError (only) when it cannot be read."""
    check_container(data)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # the Word parser's many ways of refusing a file
        raise DocumentImportError(DAMAGED) from error
    try:
        return _read(document)
    except DocumentImportError:
        raise
    except Exception as error:  # a structure the reader did not expect
        raise DocumentImportError(DAMAGED) from error
