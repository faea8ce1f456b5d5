"""What a file really is, from its first bytes (never from its name), and whether it is accepted."""

import io
import re
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .reader import OLE_MAGIC, DocumentImportError, check_container
from .word import WORD_CONTENT_TYPE

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPTED = "a Word document (.docx), a PDF, or a PNG or JPEG picture"


class FileRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def check_size(size: int) -> None:
    if size == 0:
        raise FileRejected("The selected file is empty")
    if size > max_upload_bytes():
        raise FileRejected(f"The selected file must be smaller than {filesizeformat(max_upload_bytes())}")


def content_type_of(data: bytes) -> str:
    """The type the content shows, or FileRejected."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(OLE_MAGIC):
        raise FileRejected(
            "The file is password-protected or in the old Word format (.doc): remove the password or save it as .docx"
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            check_container(data)
        except DocumentImportError as error:
            raise FileRejected(error.message) from error
        return WORD_CONTENT_TYPE
    raise FileRejected(f"The selected file must be {ACCEPTED}")


def read_upload(uploaded, *, word_only: bool = False) -> tuple[bytes, str]:
    """The bytes of an uploaded file and their type, after the size and content checks."""
    check_size(uploaded.size or 0)
    data = uploaded.read(max_upload_bytes() + 1)
    check_size(len(data))
    if word_only:
        return data, WORD_CONTENT_TYPE
    return data, content_type_of(data)


# --- links from a Word document to files elsewhere ------------------------------------------

HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
EXTERNAL_LINKS = (
    "The Word document links to files elsewhere (a picture, object or frame on another computer or website), "
    "which Word would fetch when it is opened. Insert pictures rather than linking them, remove the links, "
    "and upload it again."
)
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?/>|<(?:\w+:)?Relationship\b[^>]*?>.*?</(?:\w+:)?Relationship>", re.S)
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(element: bytes) -> dict[str, str]:
    start = element[: element.index(b">") + 1]
    return {
        m.group(1).decode(): (m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace")
        for m in _ATTRIBUTE.finditer(start)
    }


def _owner_of(rels_name: str) -> str:
    """The part a relationships part belongs to: word/_rels/settings.xml.rels -> word/settings.xml."""
    folder, _, name = rels_name.rpartition("_rels/")
    return folder + name.removesuffix(".rels")


def word_without_external_links(data: bytes) -> tuple[bytes, list[str]]:
    """A Word package with no link that Word would follow by itself when opening it.

    A template attached from another computer (attachedTemplate, the usual way to
    make Word fetch a file and leak the reader's credentials) is removed, with its
    mention in the document settings. Any other external link but a hyperlink (a
    remote picture, a linked OLE object, a frame, a sub-document...) is refused
    with FileRejected: removing those would damage the document. Returns the
    package (unchanged if nothing was removed) and what was removed.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        contents = {entry.filename: archive.read(entry) for entry in entries}
    changed: dict[str, bytes] = {}
    removed: list[str] = []
    for name, content in contents.items():
        if not name.endswith(".rels"):
            continue
        kept = content
        for match in _RELATIONSHIP.finditer(content):
            attributes = _attributes(match.group(0))
            if attributes.get("TargetMode", "").lower() != "external":
                continue
            kind = attributes.get("Type", "")
            if kind == HYPERLINK:
                continue
            if kind != ATTACHED_TEMPLATE:
                raise FileRejected(EXTERNAL_LINKS)
            owner = _owner_of(name)
            owner_content = changed.get(owner, contents.get(owner, b""))
            rel_id = re.escape(attributes.get("Id", "").encode())
            mention = re.compile(
                rb"<(?:\w+:)?attachedTemplate\b[^>]*\bid\s*=\s*[\"']"
                + rel_id
                + rb"[\"'][^>]*?(?:/>|>\s*</(?:\w+:)?attachedTemplate>)"
            )
            if not rel_id or not mention.search(owner_content):
                raise FileRejected(EXTERNAL_LINKS)
            changed[owner] = mention.sub(b"", owner_content, count=1)
            kept = kept.replace(match.group(0), b"", 1)
            changed[name] = kept
            removed.append(f"the template attached from {attributes.get('Target', 'elsewhere')[:200]}")
    if not changed:
        return data, []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in entries:
            target.writestr(entry, changed.get(entry.filename, contents[entry.filename]))
    return buffer.getvalue(), removed
