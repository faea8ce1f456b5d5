"""Checking the audit chain: every row sealed, linked to the one before, none missing."""

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass
class Problem:
    sequence: int | None
    message: str

    def __str__(self) -> str:
        where = f"event {self.sequence}" if self.sequence is not None else "chain"
        return f"{where}: {self.message}"


def audit_chain_problems(batch_size: int = 2000) -> list[Problem]:
    """Every break in the chain: an altered row, one inserted out of chain, one deleted."""
    problems: list[Problem] = []
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            problems.append(
                Problem(event.sequence, f"expected event {expected_sequence} here: events are missing (deleted)")
            )
        if event.previous_hash != previous_hash:
            problems.append(Problem(event.sequence, "does not link to the event before it (inserted or deleted row)"))
        if event.compute_hash() != event.hash:
            problems.append(Problem(event.sequence, "its content does not match its seal (altered row)"))
        expected_sequence = event.sequence + 1
        previous_hash = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    last_sequence = expected_sequence - 1
    if head is None:
        if last_sequence:
            problems.append(Problem(None, "events exist but the chain head is missing"))
    elif head.last_sequence != last_sequence or head.last_hash != previous_hash:
        problems.append(
            Problem(None, f"the chain head names event {head.last_sequence}, the last event is {last_sequence} (deleted or inserted at the end)")
        )
    return problems
