"""The printable agenda of a forum (3.6): the learning an AQR, Performance Board or QA activity in an
area is to consider, each item with its check question. Word (python-docx) and PDF (WeasyPrint).

Every text goes in as text, so what someone typed is shown as typed and never runs.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from documents.layout import xml_safe
from documents.pdf import html_to_pdf
from documents.word import _save

from .models.checks import Forum


def agenda_title(*, area, forum: str) -> str:
    return f"Learning to consider: {Forum(forum).label}, {area}"


def _last_check_text(row) -> str:
    if row.last_check is None:
        return "Not checked here yet"
    text = f"{row.last_check.get_finding_display()} on {row.last_check.checked_on:%d %B %Y}"
    return text + (f"; re-check due {row.recheck_due:%d %B %Y}" if row.recheck_due else "")


def agenda_docx(*, area, forum: str, rows: list) -> bytes:
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    title = agenda_title(area=area, forum=forum)
    document.core_properties.title = title
    document.core_properties.author = "Cafcass Learning Portal"
    document.add_heading(xml_safe(title), level=1)
    document.add_paragraph(
        f"Prepared {timezone.localdate():%d %B %Y}. Source 3.6: the actions recorded in the Learning Portal "
        "are a standard item for consideration."
    )
    if not rows:
        document.add_paragraph("No learning awaits consideration.")
    for number, row in enumerate(rows, start=1):
        document.add_heading(xml_safe(f"{number}. {row.item.title}"), level=2)
        document.add_paragraph(xml_safe(f"Stage: {row.item.get_rung_display()}"))
        question = document.add_paragraph()
        question.add_run("Check question: ").bold = True
        question.add_run(xml_safe(row.question))
        document.add_paragraph(xml_safe(f"Last check in this forum and area: {_last_check_text(row)}"))
        document.add_paragraph("Finding (embedded; partly embedded; not embedded; not applicable):")
        document.add_paragraph("Evidence:")
    return _save(document)


def agenda_pdf(*, area, forum: str, rows: list) -> bytes:
    html = render_to_string(
        "learning/checks/agenda_paper.html",
        {
            "title": agenda_title(area=area, forum=forum),
            "rows": [(row, _last_check_text(row)) for row in rows],
            "today": timezone.localdate(),
        },
    )
    return html_to_pdf(html)
