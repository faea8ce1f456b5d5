"""Word documents: the blank SIN and CR1 forms (interim process, source 2.8) and a SIN as a paper.

Built with python-docx. Every text goes in as text (python-docx escapes it),
so HTML or script typed into a field is shown as typed and never runs.
"""

import io
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from incidents.models import Criterion

from .layout import (
    CR1_FIELDS_LABELS,
    CR1_FORM_MARKER,
    CR1_FORM_TITLE,
    DATE_HINT,
    SIN_FORM_MARKER,
    SIN_FORM_TITLE,
    TICKED,
    UNTICKED,
    form_fields,
    xml_safe,
)

WORD_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CLASSIFICATION = "OFFICIAL-SENSITIVE"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    # Word keeps a line break as one character: "\r\n" typed in a browser would come back as two.
    return xml_safe(value).replace("\r\n", "\n").replace("\r", "\n")


def _new_document(*, title: str, marker: str, kind: str = "") -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    properties = document.core_properties
    properties.title = title
    properties.subject = marker
    properties.keywords = f"{marker};{kind}" if kind else marker
    properties.author = "Cafcass serious incident notifications"
    banner = document.add_paragraph()
    banner.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = banner.add_run(CLASSIFICATION)
    run.bold = True
    run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    return document


def _label_table(document, rows: list[tuple[str, str]]):
    """The two-column label | entry table the importer reads back."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = _text(value)
    return table


def _data_table(document, headers: list[str], rows: list[list]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = _text(value)
    return table


def _criteria(document, kind: str, ticked: set[str]) -> None:
    # A criterion switched off since keeps its tick on the records that used it.
    criteria = Criterion.objects.filter(kind=kind).filter(Q(active=True) | Q(code__in=ticked)).order_by("order")
    for criterion in criteria:
        document.add_paragraph(f"{TICKED if criterion.code in ticked else UNTICKED} {xml_safe(criterion.text)}")


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _form_section(document, kind: str, values: dict, ticked: set[str], *, blank: bool) -> None:
    """The criteria and the form table, the same in the blank form and in a SIN's paper."""
    if kind == "non_case":
        document.add_heading("Category of incident (source 2.11)", level=2)
        guidance = "Mark each category that applies: replace ☐ with ☒ (or type [x])."
    else:
        document.add_heading("Criteria met (source 2.1)", level=2)
        guidance = "Mark each criterion that is met: replace ☐ with ☒ (or type [x]). For 'Other', say what in the table below."
    if blank:
        document.add_paragraph().add_run(guidance).italic = True
    _criteria(document, kind, ticked)
    document.add_heading("The incident", level=2)
    if blank:
        document.add_paragraph(f"Write in the right-hand column. Dates as {DATE_HINT}. Give children's initials and ages only.")
    rows = []
    for name, label, _limit in form_fields(kind):
        rows.append((label, values.get(name) if not blank else ""))
    _label_table(document, rows)


def blank_sin_form(kind: str = "case") -> bytes:
    """The SIN form to fill in by hand and send to the serious incident mailbox (2.2, 2.8)."""
    title = SIN_FORM_TITLE if kind == "case" else f"Non-case {SIN_FORM_TITLE}"
    document = _new_document(title=title, marker=SIN_FORM_MARKER, kind=kind)
    document.add_heading(title, level=1)
    if kind == "case":
        document.add_paragraph(
            "Completed by the responsible local manager and sent to the Assistant Director, who adds their analysis "
            "and proposes whether the incident meets the criteria to share with CMT (source 2.2)."
        )
    else:
        document.add_paragraph(
            "Completed by the Assistant Director or Head of Profession for an incident affecting staff or the "
            "organisation's reputation (source 2.9-2.11)."
        )
    _label_table(document, [("Team" if kind == "case" else "Service area or corporate function", ""), ("Completed by", "")])
    _form_section(document, kind, {}, set(), blank=True)
    if kind == "case":
        document.add_heading("Assistant Director's analysis (source 2.2)", level=2)
        _label_table(document, [("Analysis of the situation", ""), ("Proposal: meets the criteria to share with CMT?", "")])
    return _save(document)


def blank_cr1_form() -> bytes:
    """The case review form the National Improvement Service completes (2.3, 2.5)."""
    document = _new_document(title=CR1_FORM_TITLE, marker=CR1_FORM_MARKER)
    document.add_heading(CR1_FORM_TITLE, level=1)
    document.add_paragraph(
        "Completed by the National Improvement Service; signed off by the Operational Service Director and sent to CMT (source 2.3, 2.5)."
    )
    _label_table(document, [("SIN reference", ""), ("Reviewer", "")])
    document.add_heading("The review", level=2)
    _label_table(document, [(label, "") for _name, label in CR1_FIELDS_LABELS])
    document.add_heading("Sign-off", level=2)
    _label_table(document, [("Signed off by (Operational Service Director)", ""), ("Date", "")])
    return _save(document)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _summary_section(document, incident) -> None:
    document.add_heading("Summary", level=2)
    summary = [
        ("Reference", incident.display_reference),
        ("Kind", incident.get_kind_display()),
        ("Stage", incident.get_stage_display()),
        ("Team" if incident.team_id else "Place", str(incident.place or "")),
        ("Region", str(incident.region or "")),
        ("Written by", _person(incident.author)),
        ("Submitted", incident.submitted_at),
        ("Core CMT alerted", incident.notified_at),
    ]
    if incident.source_system:
        summary.append(("Received from", f"{incident.source_system} ({incident.source_reference})"))
    _label_table(document, summary)


def _notification_section(document, incident) -> None:
    """The form as completed (criteria and the incident table), and the learning identified."""
    values = {name: getattr(incident, name) for name, _label, _limit in form_fields(incident.kind)}
    ticked = {c.code for c in incident.criteria.all()}
    _form_section(document, incident.kind, values, ticked, blank=False)
    if incident.learning_identified:
        document.add_heading("Learning identified", level=2)
        document.add_paragraph(xml_safe(incident.learning_identified))


def _case_review_section(document, review) -> None:
    document.add_heading("Case review (CR1)", level=2)
    _label_table(
        document,
        [
            ("Status", review.get_status_display()),
            ("Reviewer", _person(review.reviewer)),
            ("Signed off by", _person(review.signed_off_by)),
            ("Signed off on", review.signed_off_at),
        ],
    )
    document.add_paragraph()
    _label_table(document, [(label, getattr(review, name)) for name, label in CR1_FIELDS_LABELS])


def _decisions_section(document, decisions) -> None:
    document.add_heading("CEO decisions", level=2)
    if not decisions:
        document.add_paragraph("No decision recorded yet.")
        return
    _data_table(
        document,
        ["When", "Decision", "Rationale and comments"],
        [
            [
                d.decided_at,
                d.get_decision_display() + (" (final)" if d.is_final else ""),
                d.rationale + (f"\n\n{d.comments}" if d.comments else ""),
            ]
            for d in decisions
        ],
    )


def _actions_section(document, actions) -> None:
    document.add_heading("Actions", level=2)
    if not actions:
        document.add_paragraph("No actions yet.")
        return
    _data_table(
        document,
        ["Action", "Owner", "Due", "Status", "Evidence"],
        [[a.description, _person(a.owner), a.due_date, a.get_status_display(), a.evidence] for a in actions],
    )


def _timeline_section(document, events) -> None:
    document.add_heading("Timeline", level=2)
    _data_table(
        document,
        ["When", "Step", "By", "Note"],
        [
            [
                e.at,
                e.get_step_display(),
                _person(e.actor),
                (f"Proposal: {e.get_proposal_display()}. " if e.proposal else "") + e.text,
            ]
            for e in events
        ],
    )


def incident_docx(incident, *, events, decisions, actions, review, show_review: bool) -> bytes:
    """A SIN laid out as a paper a director reads: summary, the form, the CR1, decisions, actions, timeline."""
    document = _new_document(
        title=f"{incident.display_reference}: {xml_safe(incident.title)}", marker=SIN_FORM_MARKER, kind=incident.kind
    )
    document.add_heading(f"Serious incident {incident.display_reference}", level=1)
    if incident.title:
        document.add_paragraph(xml_safe(incident.title)).runs[0].bold = True
    _summary_section(document, incident)
    _notification_section(document, incident)
    if review is not None and show_review:
        _case_review_section(document, review)
    _decisions_section(document, decisions)
    _actions_section(document, actions)
    _timeline_section(document, events)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{CLASSIFICATION}. {incident.display_reference}. Printed {timezone.localtime():%d/%m/%Y %H:%M}."
    return _save(document)
