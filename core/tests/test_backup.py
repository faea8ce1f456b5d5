"""Backup and restore (core/backups.py): an archive restored into an empty database holds the
records, the files and an intact audit chain. The restore runs as `manage.py restore` in a process
of its own, against a database and MEDIA_ROOT of its own, as an operator would run it."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from documents.services import attachment_add
from incidents.choices import Stage
from incidents.tests.factories import incident_at
from organisation.choices import Role

# Committed for real: pg_dump and SQLite's backup API read what other connections see.
pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
# What the restored process reports about its database and files.
REPORT = """
import json, hashlib
from django.conf import settings
from incidents.models import Incident
from documents.models import Attachment
from audit.models import AuditEvent
files = {a.original_name: hashlib.sha256((settings.MEDIA_ROOT / a.file.name).read_bytes()).hexdigest() == a.sha256
         for a in Attachment.objects.all()}
print(json.dumps({"incidents": sorted(Incident.objects.values_list("title", flat=True)), "files": files,
                  "events": AuditEvent.objects.count()}))
"""


@pytest.fixture
def recorded(org, settings, tmp_path):
    """A signed-off SIN with a file, and the audit events their steps wrote."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    incident = incident_at(org, Stage.CASE_REVIEW)
    attachment_add(actor=org.people[Role.LOCAL_MANAGER], incident_id=incident.pk, name="statement.pdf", data=PDF)
    call_command("audit_anchor", stdout=StringIO())
    return incident


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def backup(tmp_path) -> tuple:
    archive = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    return archive, out.getvalue()


def restored_into(database_url: str, tmp_path, archive) -> dict:
    env = {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "AUDIT_ANCHOR_FILE": str(tmp_path / "restored-anchors.jsonl"),
    }
    result = manage("restore", str(archive), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The audit trail is intact" in result.stdout
    verified = manage("audit_verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert "1 anchor(s)" in verified.stdout  # the anchors came back with the archive, and match
    report = manage("shell", "-c", REPORT, env=env)
    assert report.returncode == 0, report.stderr
    return json.loads(report.stdout.strip().splitlines()[-1])


def test_backup_writes_one_archive_with_a_manifest_of_sha256s(recorded, tmp_path):
    archive, said = backup(tmp_path)
    assert "1 file(s)" in said
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    database = manifest["database"]["member"]
    assert database in names and manifest["database"]["vendor"] == connection.vendor
    media = [n for n in names if n.startswith("media/")]
    assert len(media) == 1 and media[0].endswith(".pdf")
    assert set(manifest["members"]) == {database, *media, "anchors/audit-anchors.jsonl"}
    assert all(len(facts["sha256"]) == 64 for facts in manifest["members"].values())
    assert manifest["audit"]["events"] == AuditEvent.objects.count() > 0
    assert manifest["migrations"]["audit"] == "0005_refuse_truncate_and_sqlite_triggers"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite restore")
def test_restore_into_an_empty_sqlite_database_finds_records_files_and_an_intact_chain(recorded, tmp_path):
    archive, _ = backup(tmp_path)
    report = restored_into(f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path, archive)
    assert recorded.title in report["incidents"]
    assert report["files"] == {"statement.pdf": True}
    assert report["events"] == AuditEvent.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL restore")
def test_restore_into_an_empty_postgresql_database_finds_records_files_and_an_intact_chain(recorded, tmp_path):
    archive, _ = backup(tmp_path)
    server = connection.settings_dict
    name = f"sin_restore_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        report = restored_into(f"{url}/{name}", tmp_path, archive)
    finally:
        connection.close()  # no session of ours may be open on it while it is dropped
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert recorded.title in report["incidents"]
    assert report["files"] == {"statement.pdf": True}
    assert report["events"] == AuditEvent.objects.count()


def test_restore_refuses_a_database_that_is_not_empty(recorded, tmp_path, settings):
    archive, _ = backup(tmp_path)
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    with pytest.raises(CommandError, match="is not empty: restore only into an empty database"):
        call_command("restore", str(archive), stdout=StringIO())


def test_restore_refuses_an_altered_archive_before_changing_anything(recorded, tmp_path):
    archive, _ = backup(tmp_path)
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name.startswith("media/"):
                data = data.replace(b"%%EOF", b"%%EOX")
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    result = manage(
        "restore",
        str(altered),
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "r-media")},
    )
    assert result.returncode != 0
    assert "does not match its SHA-256 in the manifest" in result.stderr
    assert not (tmp_path / "r-media").exists()
