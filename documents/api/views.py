"""The same papers through the API: a SIN as Word or PDF, from the same service as the pages (documents.papers)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.views import APIView

from core.api_schema import error_responses

from ..papers import incident_paper, paper_response


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for the file's type; the view answers with the file whatever it asked for
    (and an error in JSON: core.api.exception_handler)."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")


class IncidentWord(APIView):
    renderer_classes = [BinaryRenderer]

    @extend_schema(
        operation_id="incident_download_docx",
        tags=["documents"],
        summary="A SIN as a Word document",
        description="The notification, its case review (CR1) where the caller may read it, CEO decisions, actions and timeline. "
        "404 outside the caller's visibility. Audited.",
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): FILE, **error_responses()},
    )
    def get(self, request, pk: int):
        return paper_response(incident_paper(user=request.user, pk=pk, file_format="docx"))


class IncidentPdf(APIView):
    renderer_classes = [BinaryRenderer]

    @extend_schema(
        operation_id="incident_download_pdf",
        tags=["documents"],
        summary="A SIN as PDF",
        description="The same paper as the Word download, as PDF. 404 outside the caller's visibility. Audited.",
        responses={(200, "application/pdf"): FILE, **error_responses()},
    )
    def get(self, request, pk: int):
        return paper_response(incident_paper(user=request.user, pk=pk, file_format="pdf"))
