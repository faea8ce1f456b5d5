"""Anchors: copies of the chain head kept outside the database (settings.AUDIT_ANCHOR_FILE).

A keyed seal stops someone without the key from rewriting events, but not
from cutting the newest events off the end and moving the chain head back, or
from putting back an older copy of the database. An anchor records, at a
moment, which event was last and its seal; `audit_verify` then finds any
anchored event missing or changed. The file is only ever appended to, one JSON
line per anchor; keep it, or a copy, where the database's owner cannot
rewrite it (another machine, write-once storage, the backup's off-site copy).
"""

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Anchor:
    anchored_at: str
    sequence: int
    hash: str
    event_id: int | None = None
    key_id: str = ""

    @property
    def when(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.anchored_at)
        except ValueError:
            return None


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def anchors_read(path: Path | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors in the file, oldest first, and a description of each line that is not one."""
    path = path or anchor_file()
    anchors: list[Anchor] = []
    bad: list[str] = []
    if not path.exists():
        return anchors, bad
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                anchors.append(
                    Anchor(
                        anchored_at=str(data["anchored_at"]),
                        sequence=int(data["sequence"]),
                        hash=str(data["hash"]),
                        event_id=data.get("event_id"),
                        key_id=str(data.get("key_id", "")),
                    )
                )
            except (ValueError, KeyError, TypeError):
                bad.append(f"line {number} of {path} is not an anchor")
    return anchors, bad


def chain_head_anchor() -> Anchor:
    """What an anchor taken now would record."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.last_sequence == 0:
        return Anchor(anchored_at=timezone.now().isoformat(), sequence=0, hash=GENESIS_HASH)
    event = AuditEvent.objects.filter(sequence=head.last_sequence).only("pk", "key_id").first()
    return Anchor(
        anchored_at=timezone.now().isoformat(),
        sequence=head.last_sequence,
        hash=head.last_hash,
        event_id=event.pk if event else None,
        key_id=event.key_id if event else "",
    )


def anchor_append(anchor: Anchor, path: Path | None = None) -> Path:
    """Append one anchor to the file (created if need be, never rewritten), and flush it to disk."""
    path = path or anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(anchor), sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return path


def anchor_due(max_age: timedelta = timedelta(days=1)) -> bool:
    """True when there is no anchor yet, or the last is older than `max_age`."""
    anchors, _ = anchors_read()
    if not anchors or anchors[-1].when is None:
        return True
    return timezone.now() - anchors[-1].when >= max_age
