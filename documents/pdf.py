"""A SIN as PDF: the paper's HTML template rendered by WeasyPrint, with nothing fetched from outside."""

from django.template.loader import render_to_string


def _no_fetching(url, *args, **kwargs):
    # Everything the paper needs is inline; a URL in the data is never followed.
    raise ValueError(f"External resources are not loaded: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def incident_pdf(context: dict) -> bytes:
    return html_to_pdf(render_to_string("documents/incident_paper.html", context))
