"""Virus scanning of every file people send, by ClamAV's daemon (clamd) over its INSTREAM command.

The scanner is a setting: CLAMD_SOCKET (a unix socket) or CLAMD_HOST and
CLAMD_PORT. Production refuses to start without one; development and the
tests run without a scanner unless they set one (the scanning tests start a
clamd of their own). The outcome is one of:

- clean: clamd read the whole file and found nothing;
- infected: clamd found a signature; the file is refused;
- unavailable: clamd could not be reached or did not finish; the file is kept
  but held as "not yet scanned", and cannot be downloaded until a later scan
  (`manage.py documents_rescan`, or the task queued when it was held) finds it
  clean;
- off: no scanner is configured (development and tests only).
"""

import io
import logging
from dataclasses import dataclass

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings

log = logging.getLogger(__name__)

CLEAN, INFECTED, UNAVAILABLE, OFF = "clean", "infected", "unavailable", "off"


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    detail: str = ""  # the signature found, or why the scan could not be done

    @property
    def infected(self) -> bool:
        return self.outcome == INFECTED


def scanner_configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", ""))


def _client():
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", 30))
    if settings.CLAMD_SOCKET:
        return ClamdUnixSocket(path=str(settings.CLAMD_SOCKET), timeout=timeout)
    return ClamdNetworkSocket(host=settings.CLAMD_HOST, port=int(settings.CLAMD_PORT), timeout=timeout)


def scan(data: bytes) -> ScanResult:
    """Scan the bytes of one file (archives, Word packages and PDFs are looked inside by clamd)."""
    if not scanner_configured():
        return ScanResult(OFF)
    try:
        answer = _client().instream(io.BytesIO(data))
    except (ClamdError, OSError) as error:  # not running, refused, timed out, file over StreamMaxLength...
        log.warning("Virus scanner unavailable: %s", error)
        return ScanResult(UNAVAILABLE, str(error)[:200])
    status, signature = answer.get("stream", ("ERROR", "no answer"))
    if status == "OK":
        return ScanResult(CLEAN)
    if status == "FOUND":
        return ScanResult(INFECTED, signature or "unnamed")
    log.warning("Virus scanner could not scan a file: %s", signature)
    return ScanResult(UNAVAILABLE, (signature or "error")[:200])
