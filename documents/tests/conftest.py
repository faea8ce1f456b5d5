import io

import pytest
from docx import Document


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fill_form(data: bytes, values: dict[str, str], tick: list[str]) -> bytes:
    """Complete a blank SIN form as a person would in Word: type in the right-hand cells, replace ☐ with ☒."""
    document = Document(io.BytesIO(data))
    for table in document.tables:
        for row in table.rows:
            label = row.cells[0].text.strip()
            if label in values:
                row.cells[1].text = values[label]
    for paragraph in document.paragraphs:
        for text in tick:
            if paragraph.text == f"☐ {text}":
                paragraph.runs[0].text = paragraph.runs[0].text.replace("☐", "☒", 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    """Every paragraph and cell of a .docx, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def with_macros(data: bytes, how: str = "vba project") -> bytes:
    """The same Word package made macro-enabled (.docm): by its declared content type, or by a VBA project inside."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if how == "content type" and entry.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            target.writestr(entry, content)
        if how == "vba project":
            target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA project")
    return buffer.getvalue()
