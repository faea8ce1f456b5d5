"""What a file really is, from its first bytes (never from its name), and whether it is accepted."""

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
        raise FileRejected("The file is password-protected or in the old Word format (.doc): remove the password or save it as .docx")
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
