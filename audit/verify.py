"""Checking the audit chain: every row sealed under a key we hold, linked to the one before, none
missing, and every anchor kept outside the database still matching (docs/decisions/0011)."""

from dataclasses import dataclass

from .anchors import Anchor, anchors_read
from .models import GENESIS_HASH, AuditChainHead, AuditEvent, UnknownAuditKey


@dataclass
class Problem:
    sequence: int | None
    message: str

    def __str__(self) -> str:
        where = f"event {self.sequence}" if self.sequence is not None else "chain"
        return f"{where}: {self.message}"


def _seal_problem(event: AuditEvent) -> str | None:
    if not event.key_id:
        return "sealed without a key, so its seal proves nothing (rewritten by someone without the key)"
    try:
        if event.compute_hash() != event.hash:
            return "its content does not match its seal (altered row)"
    except UnknownAuditKey:
        return f"sealed with key {event.key_id!r}, which is not in AUDIT_HMAC_KEYS (forged, or a key was removed)"
    return None


def _anchor_name(anchor: Anchor) -> str:
    return f"the anchor of {anchor.anchored_at}"


def audit_chain_problems(batch_size: int = 2000, anchors: list[Anchor] | None = None) -> list[Problem]:
    """Every break in the chain: an altered row, one inserted out of chain, one deleted, one cut off
    before an anchor. `anchors` defaults to those in settings.AUDIT_ANCHOR_FILE."""
    problems: list[Problem] = []
    if anchors is None:
        anchors, bad_lines = anchors_read()
        problems.extend(Problem(None, f"anchor file: {line}") for line in bad_lines)
    by_sequence: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_sequence.setdefault(anchor.sequence, []).append(anchor)
    highest = 0
    for anchor in anchors:
        if anchor.sequence < highest:
            problems.append(
                Problem(
                    None,
                    f"{_anchor_name(anchor)} names event {anchor.sequence}, before an earlier anchor's "
                    f"event {highest}: the trail went backwards between them (restored from an older copy?)",
                )
            )
        highest = max(highest, anchor.sequence)
    for anchor in by_sequence.get(0, []):
        if anchor.hash != GENESIS_HASH:
            problems.append(Problem(None, f"{_anchor_name(anchor)} is not a valid anchor of an empty trail"))

    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            problems.append(Problem(event.sequence, f"expected event {expected_sequence} here: events are missing (deleted)"))
        if event.previous_hash != previous_hash:
            problems.append(Problem(event.sequence, "does not link to the event before it (inserted or deleted row)"))
        seal_problem = _seal_problem(event)
        if seal_problem:
            problems.append(Problem(event.sequence, seal_problem))
        for anchor in by_sequence.pop(event.sequence, []):
            if anchor.hash != event.hash:
                problems.append(Problem(event.sequence, f"does not match {_anchor_name(anchor)}: history up to it was rewritten"))
        expected_sequence = event.sequence + 1
        previous_hash = event.hash
    last_sequence = expected_sequence - 1
    for sequence, missing in sorted(by_sequence.items()):
        if sequence == 0:
            continue
        for anchor in missing:
            problems.append(
                Problem(
                    sequence,
                    f"is missing, but {_anchor_name(anchor)} names it: events were cut off "
                    f"the end (the last event now is {last_sequence}) or deleted",
                )
            )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if last_sequence:
            problems.append(Problem(None, "events exist but the chain head is missing"))
    elif head.last_sequence != last_sequence or head.last_hash != previous_hash:
        problems.append(
            Problem(
                None,
                f"the chain head names event {head.last_sequence}, the last event is {last_sequence} (deleted or inserted at the end)",
            )
        )
    return problems
