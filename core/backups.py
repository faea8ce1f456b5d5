"""Backup and restore of the whole service: the database, the uploaded files, the audit anchors.

One archive (`.tar.gz`) holds:

- `database/postgresql.dump` (`pg_dump --format=custom`) or `database/sqlite3.db`
  (SQLite's online backup API): the database as one consistent copy;
- `media/...`: every file under MEDIA_ROOT, copied after the database, so that
  every file a row names is there (a file is written before its row commits);
- `anchors/audit-anchors.jsonl`: the audit anchors, if any (docs/decisions/0011);
- `manifest.json`: what the archive holds, with the SHA-256 and size of every
  member, the database vendor, the last migration of each app and the audit
  chain head at the time of the backup.

`restore` checks every SHA-256 against the manifest before it changes
anything, then restores into an empty database (it refuses one with tables)
and an empty MEDIA_ROOT, and checks the audit chain. See docs/operations.md.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database/postgresql.dump"
SQLITE_DUMP = "database/sqlite3.db"
ANCHORS = "anchors/audit-anchors.jsonl"


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment(database: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump and pg_restore, the password in the environment (never on the command line)."""
    args = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed: it is needed for PostgreSQL (Debian: postgresql-client).") from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _dump_database(connection, folder: Path) -> str:
    if connection.vendor == "postgresql":
        args, env = _pg_environment(connection.settings_dict)
        target = folder / PG_DUMP
        target.parent.mkdir(parents=True)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
        return PG_DUMP
    if connection.vendor == "sqlite":
        target = folder / SQLITE_DUMP
        target.parent.mkdir(parents=True)
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # a consistent copy, even while others write
        copy.close()
        return SQLITE_DUMP
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def _migrations(connection) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def _audit_head() -> dict:
    from audit.models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "events": AuditEvent.objects.count(),
        "last_sequence": head.last_sequence if head else 0,
        "last_hash": head.last_hash if head else "",
    }


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def backup_create(output: Path, *, database: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write the archive to `output` (never over an existing file)."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already: a backup never overwrites one.")
    connection = connections[database]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="sin-backup-") as scratch:
        folder = Path(scratch)
        created = timezone.now()
        database_member = _dump_database(connection, folder)  # first: every file a row names is on disk by then
        members = [database_member]
        if media_root.is_dir():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                member = f"media/{path.relative_to(media_root).as_posix()}"
                (folder / member).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, folder / member)
                members.append(member)
        anchors = Path(settings.AUDIT_ANCHOR_FILE)
        if anchors.is_file():
            (folder / ANCHORS).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(anchors, folder / ANCHORS)
            members.append(ANCHORS)
        manifest = {
            "format": FORMAT,
            "service": settings.SERVICE_NAME,
            "created_at": created.isoformat(),
            "database": {"vendor": connection.vendor, "member": database_member},
            "migrations": _migrations(connection),
            "audit": _audit_head(),
            "members": {m: {"sha256": _sha256(folder / m), "size": (folder / m).stat().st_size} for m in members},
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(created.timestamp())
            archive.addfile(info, io.BytesIO(data))
            for member in members:
                archive.add(folder / member, arcname=member, recursive=False)
        partial.rename(output)  # never a half-written archive under the real name
    os.chmod(output, 0o600)
    return BackupResult(output, manifest)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for info in archive.getmembers():
        path = Path(info.name)
        if path.is_absolute() or ".." in path.parts or not (info.isfile() or info.isdir()):
            raise BackupError(f"The archive holds an unsafe member ({info.name!r}): not restoring from it.")
        members.append(info)
    return members


def _verified(archive_path: Path, folder: Path) -> dict:
    """Unpack into `folder` and check every member against the manifest; the manifest."""
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            archive.extractall(folder, members=_safe_members(archive), filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive_path} cannot be read as a backup archive: {error}") from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError("The archive has no readable manifest.json.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"The archive is of format {manifest.get('format')!r}; this version restores format {FORMAT}.")
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    expected = set(manifest["members"])
    if found != expected:
        raise BackupError(
            f"The archive does not hold what its manifest lists: missing {sorted(expected - found)[:5]}, "
            f"unlisted {sorted(found - expected)[:5]}."
        )
    for member, facts in manifest["members"].items():
        if _sha256(folder / member) != facts["sha256"]:
            raise BackupError(f"{member} does not match its SHA-256 in the manifest: the archive is damaged or altered.")
    return manifest


def _restore_database(connection, folder: Path, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"The backup is of a {vendor} database; the configured database is {connection.vendor}.")
    dump = folder / manifest["database"]["member"]
    if vendor == "postgresql":
        args, env = _pg_environment(connection.settings_dict)
        connection.close()
        _run(["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", *args, str(dump)], env)
    else:
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()


def restore_archive(archive_path: Path, *, database: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore an archive into an empty database and an empty MEDIA_ROOT; the manifest."""
    connection = connections[database]
    if connection.introspection.table_names():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']!r} is not empty: restore only into an empty database "
            "(create a new one, point DATABASE_URL at it, and do not migrate it first)."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media_root}) is not empty: restore only into an empty folder.")
    with tempfile.TemporaryDirectory(prefix="sin-restore-") as scratch:
        folder = Path(scratch)
        manifest = _verified(Path(archive_path), folder)
        _restore_database(connection, folder, manifest)
        media = folder / "media"
        if media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, media_root, dirs_exist_ok=True)
        anchors = Path(settings.AUDIT_ANCHOR_FILE)
        if (folder / ANCHORS).is_file() and not anchors.exists():
            anchors.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / ANCHORS, anchors)
    return manifest
