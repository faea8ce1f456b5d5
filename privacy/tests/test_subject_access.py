"""A subject access export (UK GDPR article 15): what the service holds about a named person, as JSON and a PDF summary."""

import hashlib
import json
import stat
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from incidents import services
from incidents.choices import Proposal, Stage
from incidents.tests.factories import case_form, incident_at
from organisation.choices import Role
from organisation.models import RoleAssignment

pytestmark = pytest.mark.django_db

CHILD, REFERENCE, COURT = "Z.Q., 6", "SW26Q00999", "Exeter Family Court"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each PDF is made from, the real PDF still made."""
    import documents.pdf

    seen, real = [], documents.pdf.html_to_pdf

    def spy(html):
        seen.append(html)
        return real(html)

    monkeypatch.setattr(documents.pdf, "html_to_pdf", spy)
    return seen


def _world(org):
    """The local manager writes a SIN, takes part in it, is sent alerts; the AD writes an analysis of their own."""
    lm, ad = org.people[Role.LOCAL_MANAGER], org.people[Role.ASSISTANT_DIRECTOR]
    incident = services.incident_create(
        actor=lm,
        team=org.team,
        data=case_form(
            children=CHILD,
            case_reference=REFERENCE,
            court=COURT,
            title="Harm at contact",
            what_happened="The manager's own account.",
        ),
    )
    incident = services.incident_submit(actor=lm, incident_id=incident.pk, expected_version=incident.version)
    services.incident_ad_analyse(
        actor=ad,
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="The AD's private analysis.",
        proposal=Proposal.MEETS_SHARE,
    )
    services.incident_viewed(actor=lm, incident=incident)
    other = incident_at(org, Stage.WITH_AD, author=ad)  # not theirs
    return lm, incident, other


def _export(user, path) -> dict[str, bytes]:
    call_command("subject_access_export", user.username, str(path))
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _records(files, name) -> list[dict]:
    return json.loads(files[f"{name}.json"])["records"]


def test_the_export_holds_what_they_wrote_did_and_were_sent_one_file_per_kind(org, tmp_path, pdf_html):
    lm, incident, other = _world(org)
    files = _export(lm, tmp_path / "sar.zip")

    assert {
        "account.json",
        "roles.json",
        "sins_written.json",
        "timeline_entries.json",
        "notifications.json",
        "audit_what_they_did.json",
        "other_records.json",
        "summary.pdf",
    } <= set(files)
    assert files["summary.pdf"].startswith(b"%PDF")
    assert _records(files, "account")[0]["username"] == lm.username
    written = _records(files, "sins_written")
    assert [s["reference"] for s in written] == [incident.reference]
    assert written[0]["what_happened"] == "The manager's own account."
    steps = [e["step"] for e in _records(files, "timeline_entries")]
    assert steps[0] == "Draft started" and steps[1].startswith("Submitted") and len(steps) == 2
    assert any(
        e["action"] == "incident.view" and e["object_id"] == str(incident.pk) for e in _records(files, "audit_what_they_did")
    )
    assert _records(files, "roles")[0]["role"] == Role.LOCAL_MANAGER.label
    everything = b"".join(data for name, data in files.items() if name.endswith(".json")).decode()
    assert other.reference not in everything
    assert "The AD's private analysis." not in everything


def test_other_people_s_data_and_secrets_are_left_out(org, tmp_path, pdf_html):
    lm, incident, _ = _world(org)
    device = TOTPDevice.objects.filter(user=lm).first()
    files = _export(lm, tmp_path / "sar.zip")
    everything = b"".join(data for name, data in files.items() if name.endswith(".json")).decode()
    for withheld in (CHILD, REFERENCE, COURT, lm.password, device.key):
        assert withheld not in everything, withheld
    assert "case_reference" not in _records(files, "sins_written")[0]


def test_the_pdf_summary_says_free_text_mentions_are_out_of_scope_and_counts_each_file(org, tmp_path, pdf_html):
    lm, _, _ = _world(org)
    files = _export(lm, tmp_path / "sar.zip")
    summary = pdf_html[-1]
    assert "Incidents where the person is only mentioned in free text are out of scope." in summary
    assert "the child or children, the Cafcass case reference and the court are left out" in summary
    assert '<td>sins_written.json</td><td class="count">1</td>' in summary
    assert lm.username in summary and len(files) == summary.count(".json</td>") + 1


def test_the_export_is_audited_with_the_hash_of_the_zip_and_is_readable_by_its_owner_only(org, tmp_path, pdf_html):
    lm, _, _ = _world(org)
    path = tmp_path / "sar.zip"
    _export(lm, path)
    event = AuditEvent.objects.get(action="privacy.subject_access_export")
    assert (event.object_type, event.object_id) == ("accounts.user", str(lm.pk))
    assert event.changes["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.changes["counts"]["sins_written"] == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_records_naming_them_elsewhere_are_listed_by_kind_and_id(org, tmp_path, pdf_html):
    lm, _, _ = _world(org)
    granted = RoleAssignment.objects.filter(user=org.people[Role.NIS_REVIEWER]).first()
    RoleAssignment.objects.filter(pk=granted.pk).update(granted_by=lm)
    files = _export(lm, tmp_path / "sar.zip")
    assert {
        "kind": "role assignment",
        "model": "organisation.roleassignment",
        "field": "granted_by",
        "count": 1,
        "ids": [granted.pk],
    } in _records(files, "other_records")


def test_an_unknown_person_or_an_existing_file_is_refused_and_nothing_is_written_or_audited(org, tmp_path):
    with pytest.raises(CommandError, match="No person has the username 'nobody-here'"):
        call_command("subject_access_export", "nobody-here", str(tmp_path / "a.zip"))
    existing = tmp_path / "kept.zip"
    existing.write_bytes(b"someone else's file")
    with pytest.raises(CommandError, match="already exists"):
        call_command("subject_access_export", org.people[Role.LOCAL_MANAGER].username, str(existing))
    assert existing.read_bytes() == b"someone else's file"
    assert not AuditEvent.objects.filter(action="privacy.subject_access_export").exists()
