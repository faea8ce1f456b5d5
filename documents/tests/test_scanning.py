"""Virus scanning by a real ClamAV daemon (clamd), started by these tests with a signature
database of their own holding the EICAR test signature (the public database cannot be
downloaded here), on a unix socket in a temporary folder."""

import os
import shutil
import subprocess
import time
from io import StringIO

import pytest
from clamav_client.clamd import ClamdUnixSocket
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from documents import scanning
from documents.models import Attachment
from documents.services import attachment_add
from documents.word import blank_sin_form
from incidents.choices import Stage
from incidents.models import Incident
from incidents.tests.factories import incident_at
from organisation.choices import Role

from .packages import EICAR, docx_with_text, pdf_with
from .test_views import PDF, body, completed_form, error_beside_file, upload

pytestmark = pytest.mark.django_db

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """A clamd of the tests' own, knowing one signature: EICAR's."""
    if not os.path.exists(CLAMD):
        message = "clamd is not installed (Debian: apt-get install clamav-daemon; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "test.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    socket_path = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"Foreground yes\nDatabaseDirectory {folder / 'db'}\nLocalSocket {socket_path}\nLogFile {folder / 'clamd.log'}\n"
        f"PidFile {folder / 'clamd.pid'}\nStreamMaxLength 20M\nMaxThreads 2\nSelfCheck 0\n"
    )
    process = subprocess.Popen(  # noqa: S603
        [CLAMD, "--config-file", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if ClamdUnixSocket(str(socket_path), timeout=2).ping() == "PONG":
                break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {process.stderr.read().decode()} {log}")
            time.sleep(0.05)
    yield str(socket_path)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def scanner(settings, clamd_socket):
    settings.CLAMD_SOCKET = clamd_socket
    return clamd_socket


@pytest.fixture
def scanner_down(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")


def attachments_url(incident):
    return reverse("documents:attachments", args=[incident.pk])


def download_url(attachment):
    return reverse("documents:attachment_download", args=[attachment.pk])


# --- the scanner itself -------------------------------------------------------------------------


def test_the_scanner_finds_eicar_inside_a_pdf_and_a_word_package_and_passes_clean_files(scanner):
    assert scanning.scan(pdf_with(EICAR)) == scanning.ScanResult(scanning.INFECTED, "Eicar-Test-Signature.UNOFFICIAL")
    assert scanning.scan(docx_with_text(EICAR.decode())).infected  # inside word/document.xml, compressed
    assert scanning.scan(pdf_with(b"A statement about a visit.")).outcome == scanning.CLEAN
    assert scanning.scan(blank_sin_form("case")).outcome == scanning.CLEAN


def test_no_scanner_configured_is_off_and_a_missing_one_unavailable(settings, tmp_path):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    assert scanning.scan(PDF).outcome == scanning.OFF
    settings.CLAMD_SOCKET = str(tmp_path / "nothing.sock")
    assert scanning.scan(PDF).outcome == scanning.UNAVAILABLE


# --- infected files are refused beside the field --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("statement.pdf", lambda: pdf_with(EICAR)),
        ("statement.docx", lambda: docx_with_text(f"What happened: {EICAR.decode()}")),
    ],
    ids=["pdf", "docx"],
)
def test_an_infected_upload_is_refused_beside_the_field_and_the_refusal_audited(org, signed_in, media, scanner, name, make):
    incident = incident_at(org, Stage.DRAFT)
    response = signed_in(org.people[Role.LOCAL_MANAGER]).post(attachments_url(incident), {"file": upload(name, make())})
    assert response.status_code == 200
    beside = error_beside_file(response)
    assert "govuk-error-message" in beside
    assert "The file contains a virus (Eicar-Test-Signature.UNOFFICIAL) and has not been added" in beside
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*")) if media.exists() else True
    event = AuditEvent.objects.get(action="documents.virus_refused")
    assert event.changes["signature"] == "Eicar-Test-Signature.UNOFFICIAL" and event.changes["name"] == name
    assert event.object_id == str(incident.pk)


def test_an_infected_word_form_is_not_imported(org, signed_in, media, scanner):
    infected = completed_form(**{"What happened": EICAR.decode()})
    response = signed_in(org.people[Role.LOCAL_MANAGER]).post(
        reverse("documents:import"), {"place": f"team:{org.team.pk}", "file": upload("SIN form.docx", infected)}
    )
    assert response.status_code == 200
    assert "contains a virus" in error_beside_file(response)
    assert not Incident.objects.exists() and not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="documents.virus_refused").exists()


def test_a_clean_upload_is_scanned_and_downloadable(org, signed_in, media, scanner):
    incident = incident_at(org, Stage.DRAFT)
    client = signed_in(org.people[Role.LOCAL_MANAGER])
    assert client.post(attachments_url(incident), {"file": upload("statement.pdf", PDF)}).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN and attachment.scanned_at is not None
    assert body(client.get(download_url(attachment))) == PDF
    assert AuditEvent.objects.get(action="attachment.add").changes["scan"] == "clean"


# --- scanner down: held, not downloadable, scanned again later ----------------------------------------


def test_with_the_scanner_down_a_file_is_held_as_not_yet_scanned(org, signed_in, media, scanner_down):
    incident = incident_at(org, Stage.DRAFT)
    client = signed_in(org.people[Role.LOCAL_MANAGER])
    response = client.post(attachments_url(incident), {"file": upload("statement.pdf", PDF)}, follow=True)
    assert "has not been scanned yet" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.scan_status == Attachment.ScanStatus.PENDING and not attachment.downloadable
    listing = client.get(attachments_url(incident)).content.decode()
    assert "Not yet scanned for viruses" in listing and download_url(attachment) not in listing
    held = client.get(download_url(attachment))
    assert held.status_code == 409 and "has not been scanned for viruses yet" in held.content.decode()
    assert not AuditEvent.objects.filter(action="attachment.download").exists()
    # Another scan is queued for the worker.
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="documents.tasks.rescan_attachment").exists()


def test_an_import_with_the_scanner_down_makes_the_draft_and_holds_the_file(org, signed_in, media, scanner_down):
    client = signed_in(org.people[Role.LOCAL_MANAGER])
    response = client.post(
        reverse("documents:import"), {"place": f"team:{org.team.pk}", "file": upload("SIN form.docx", completed_form())}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.scan_status == Attachment.ScanStatus.PENDING
    assert client.get(download_url(attachment)).status_code == 409


def test_a_held_file_found_clean_later_can_be_downloaded(org, signed_in, media, settings, clamd_socket, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "down.sock")
    incident = incident_at(org, Stage.DRAFT)
    lm = org.people[Role.LOCAL_MANAGER]
    attachment = attachment_add(actor=lm, incident_id=incident.pk, name="statement.pdf", data=PDF)
    assert attachment.scan_status == Attachment.ScanStatus.PENDING
    settings.CLAMD_SOCKET = clamd_socket
    out = StringIO()
    call_command("documents_rescan", stdout=out)
    assert "1 clean" in out.getvalue()
    attachment.refresh_from_db()
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert body(signed_in(lm).get(download_url(attachment))) == PDF


def test_a_held_file_found_infected_later_is_removed_and_never_served(
    org, signed_in, media, settings, clamd_socket, tmp_path, django_capture_on_commit_callbacks
):
    from documents.tasks import rescan_attachment

    settings.CLAMD_SOCKET = str(tmp_path / "down.sock")
    incident = incident_at(org, Stage.DRAFT)
    lm = org.people[Role.LOCAL_MANAGER]
    attachment = attachment_add(actor=lm, incident_id=incident.pk, name="statement.pdf", data=pdf_with(EICAR))
    stored = media / attachment.file.name
    assert stored.exists()
    assert rescan_attachment.call(attachment.pk, 1) == "scanner unavailable"  # still down: queued again
    settings.CLAMD_SOCKET = clamd_socket
    with django_capture_on_commit_callbacks(execute=True):  # the file is removed once the status is committed
        assert rescan_attachment.call(attachment.pk, 2) == "infected"
    attachment.refresh_from_db()
    assert attachment.scan_status == Attachment.ScanStatus.INFECTED and not stored.exists()
    response = signed_in(lm).get(download_url(attachment))
    assert response.status_code == 409 and "A virus was found" in response.content.decode()
    assert AuditEvent.objects.filter(action="attachment.scanned", changes__scan="infected").exists()


def test_without_a_scanner_files_are_unchecked_and_served(org, signed_in, media, settings):
    """Development and the other tests run without clamd; production cannot (config/settings/production.py)."""
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    incident = incident_at(org, Stage.DRAFT)
    client = signed_in(org.people[Role.LOCAL_MANAGER])
    client.post(attachments_url(incident), {"file": upload("statement.pdf", PDF)})
    attachment = Attachment.objects.get()
    assert attachment.scan_status == Attachment.ScanStatus.UNCHECKED
    assert client.get(download_url(attachment)).status_code == 200


def test_production_refuses_to_start_without_a_scanner():
    from core.tests.test_pages import _production_check

    result = _production_check(CLAMD_SOCKET=None)
    assert result.returncode != 0
    assert "Set CLAMD_SOCKET" in result.stderr
    assert _production_check(CLAMD_SOCKET=None, CLAMD_HOST="clamav.internal").returncode == 0
