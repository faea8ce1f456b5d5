"""The Word forms (interim process, source 2.8): printing them, and reading a completed one back."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone
from docx import Document
from hypothesis import HealthCheck, given, settings, strategies as st

from documents.layout import CR1_FIELDS_LABELS, form_fields
from documents.reader import MAX_UNCOMPRESSED_BYTES, DocumentImportError, ImportedForm, read_sin_form
from documents.word import blank_cr1_form, blank_sin_form, incident_docx
from incidents.choices import Stage
from incidents.criteria import CASE_CRITERIA, NON_CASE_CATEGORIES
from incidents.services import FORM_FIELDS
from incidents.tests.factories import case_form, incident_at

from .conftest import docx_text, fill_form, with_macros

pytestmark = pytest.mark.django_db


def _paper(incident):
    return incident_docx(
        incident,
        events=list(incident.events.all()),
        decisions=list(incident.decisions.all()),
        actions=list(incident.actions.all()),
        review=None,
        show_review=False,
    )


class TestBlankForms:
    def test_the_sin_form_lists_every_criterion_word_for_word_with_an_empty_box(self):
        text = docx_text(blank_sin_form("case"))
        for _code, criterion in CASE_CRITERIA:
            assert f"☐ {criterion}" in text.splitlines()
        for _name, label, _limit in form_fields("case"):
            assert label in text

    def test_the_non_case_form_lists_the_categories_of_2_11(self):
        text = docx_text(blank_sin_form("non_case"))
        for _code, category in NON_CASE_CATEGORIES:
            assert f"☐ {category}" in text.splitlines()
        assert "Cafcass case reference" not in text

    def test_the_cr1_form(self):
        text = docx_text(blank_cr1_form())
        for _name, label in CR1_FIELDS_LABELS:
            assert label in text

    def test_a_blank_form_reads_back_as_nothing_filled_in(self):
        form = read_sin_form(blank_sin_form("case"))
        assert form.criteria == [] and form.values == {}
        assert "title" in form.missing and "what_happened" in form.missing


class TestReadingACompletedForm:
    def test_values_and_ticks_are_read(self):
        data = fill_form(
            blank_sin_form("case"),
            {
                "Short title": "Harm to a child",
                "Child or children": "A, 4\nB, 6",
                "Cafcass case reference": "ABC123",
                "Date of the incident": "03/02/2026",
                "Date Cafcass became aware": "4 February 2026",
                "What happened": "Line one.\nLine two.",
            },
            tick=[CASE_CRITERIA[2][1], CASE_CRITERIA[6][1]],
        )
        form = read_sin_form(data)
        assert form.criteria == [CASE_CRITERIA[2][0], CASE_CRITERIA[6][0]]
        assert form.values["title"] == "Harm to a child"
        assert form.values["children"] == "A, 4\nB, 6"
        assert form.values["incident_date"] == date(2026, 2, 3)
        assert form.values["aware_date"] == date(2026, 2, 4)
        assert form.values["what_happened"] == "Line one.\nLine two."
        assert set(form.read) == {"title", "children", "case_reference", "incident_date", "aware_date", "what_happened"}
        assert "court" in form.missing and "immediate_actions" in form.missing
        assert form.problems == {}

    @pytest.mark.parametrize("mark", ["[x]", "[X]", "☑", "✔"])
    def test_other_ways_of_ticking(self, mark):
        document = Document(io.BytesIO(blank_sin_form("case")))
        document.add_paragraph(f"{mark} {CASE_CRITERIA[0][1].upper()}")
        buffer = io.BytesIO()
        document.save(buffer)
        assert read_sin_form(buffer.getvalue()).criteria == [CASE_CRITERIA[0][0]]

    def test_entries_that_cannot_be_taken_are_reported_not_guessed(self):
        future = (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y")
        data = fill_form(
            blank_sin_form("case"),
            {
                "Date of the incident": "last Tuesday",
                "Date Cafcass became aware": future,
                "Cafcass case reference": "X" * 41,
                "Short title": "Fine",
            },
            tick=[],
        )
        form = read_sin_form(data)
        assert set(form.problems) == {"incident_date", "aware_date", "case_reference"}
        assert "incident_date" not in form.values and "case_reference" not in form.values
        assert form.values == {"title": "Fine"}

    def test_aware_before_the_incident_is_reported(self):
        data = fill_form(
            blank_sin_form("case"), {"Date of the incident": "05/01/2026", "Date Cafcass became aware": "01/01/2026"}, tick=[]
        )
        form = read_sin_form(data)
        assert "aware_date" in form.problems and form.values == {"incident_date": date(2026, 1, 5)}

    def test_html_and_script_are_read_as_plain_text(self):
        data = fill_form(blank_sin_form("case"), {"Short title": "<script>alert(1)</script>"}, tick=[])
        assert read_sin_form(data).values["title"] == "<script>alert(1)</script>"


class TestRoundTrip:
    def test_an_exported_incident_imports_to_the_same_fields(self, org):
        data = case_form(
            criteria=["child_seriously_harmed", "other"],
            other_description="Also: a complaint",
            what_happened="First line.\r\nSecond line, with “quotes” & <b>tags</b>.",
            children="A, 4\nB, 6",
        )
        incident = incident_at(org, Stage.WITH_AD, data=data)
        form = read_sin_form(_paper(incident))
        assert sorted(form.criteria) == sorted(incident.criteria.values_list("code", flat=True))
        for name in FORM_FIELDS:
            expected = getattr(incident, name)
            if isinstance(expected, str):
                expected = expected.replace("\r\n", "\n") or None
            assert form.values.get(name) == expected, name
        assert form.problems == {}

    def test_script_and_control_characters_do_not_break_the_paper(self, org):
        data = case_form(title="<script>alert('x')</script>", what_happened="Bell \x07 and form feed \x0c here")
        incident = incident_at(org, Stage.DRAFT, data=data)
        paper = _paper(incident)
        with zipfile.ZipFile(io.BytesIO(paper)) as archive:
            xml = archive.read("word/document.xml").decode()
        assert "<script>" not in xml and "&lt;script&gt;" in xml
        assert read_sin_form(paper).values["what_happened"] == "Bell  and form feed  here"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class TestHostileFiles:
    @pytest.mark.parametrize(
        ("data", "words"),
        [
            (b"", "empty"),
            (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "password-protected"),
            (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a Word document"),
            (b"<html><script>alert(1)</script></html>", "not a Word document"),
            (b"%PDF-1.7 ...", "not a Word document"),
            (b"PK\x03\x04" + b"\0" * 50, "damaged"),
            (_zip({"a.txt": b"hello"}), "not a Word document"),
            (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<not really>"}), "damaged"),
        ],
    )
    def test_refused_with_a_clear_message(self, data, words):
        with pytest.raises(DocumentImportError) as caught:
            read_sin_form(data)
        assert words in caught.value.message

    def test_a_truncated_form(self):
        data = blank_sin_form("case")
        with pytest.raises(DocumentImportError, match="damaged"):
            read_sin_form(data[: len(data) // 2])

    def test_a_word_document_with_another_layout(self):
        document = Document()
        document.add_heading("Minutes of the team meeting", level=1)
        document.add_paragraph("Nothing of note.")
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "Attendees"
        buffer = io.BytesIO()
        document.save(buffer)
        with pytest.raises(DocumentImportError, match="layout of the SIN form"):
            read_sin_form(buffer.getvalue())

    def test_the_cr1_form_is_not_taken_for_a_sin_form(self):
        with pytest.raises(DocumentImportError, match="CR1"):
            read_sin_form(blank_cr1_form())

    @pytest.mark.parametrize("how", ["content type", "vba project"])
    def test_a_form_with_macros_is_refused(self, how):
        from documents.reader import MACROS

        with pytest.raises(DocumentImportError) as caught:
            read_sin_form(with_macros(blank_sin_form("case"), how))
        assert caught.value.message == MACROS

    def test_a_zip_bomb_is_refused_before_it_is_opened(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", b"<Types/>")
            archive.writestr("word/document.xml", b" " * (MAX_UNCOMPRESSED_BYTES + 1))
        assert len(buffer.getvalue()) < 1024 * 1024
        with pytest.raises(DocumentImportError, match="too large"):
            read_sin_form(buffer.getvalue())


def _only_our_error(data: bytes) -> None:
    try:
        result = read_sin_form(data)
    except DocumentImportError as error:
        assert error.message
    else:
        assert isinstance(result, ImportedForm)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=200).map(lambda b: bytes.fromhex("D0CF11E0A1B11AE1") + b),
    )
)
def test_random_bytes_only_ever_raise_the_import_error(data):
    _only_our_error(data)


_xml = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(str.encode),
    st.sampled_from(
        [
            b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        ]
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.dictionaries(
        st.sampled_from(
            [
                "[Content_Types].xml",
                "word/document.xml",
                "_rels/.rels",
                "word/_rels/document.xml.rels",
                "docProps/core.xml",
                "word/styles.xml",
                "other.bin",
            ]
        ),
        _xml,
        max_size=7,
    )
)
def test_random_zip_files_only_ever_raise_the_import_error(members):
    _only_our_error(_zip(members))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=40000), flip=st.integers(min_value=0, max_value=255))
def test_damaged_real_forms_only_ever_raise_the_import_error(cut, flip):
    data = bytearray(_BLANK)
    position = cut % len(data)
    data[position] ^= flip
    _only_our_error(bytes(data[: max(position, 1) if flip == 0 else len(data)]))


# Built once: hypothesis runs the test many times.
_BLANK = b""


@pytest.fixture(autouse=True, scope="module")
def _blank_form(django_db_blocker):
    global _BLANK
    with django_db_blocker.unblock():
        _BLANK = blank_sin_form("case")
