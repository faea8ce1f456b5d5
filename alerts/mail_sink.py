"""A real SMTP server (aiosmtpd) that keeps what it receives.

Used by the demo (`make run` starts it on 127.0.0.1:1025 and writes each
message to var/mail/ as an .eml file) and by the tests, which read
`sink.messages` and can make it refuse chosen addresses.
"""

import socket
import threading
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    """aiosmtpd's Controller(port=0) fails, so pick a free port first."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, sink: "MailSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.sink.lock:
            self.sink.messages.append({"to": list(envelope.rcpt_tos), "message": message})
            if self.sink.directory is not None:
                self.sink.save(envelope.content)
        return "250 Message accepted for delivery"


class MailSink:
    def __init__(self, port: int | None = None, directory: Path | None = None):
        self.port = port or free_port()
        self.directory = Path(directory) if directory else None
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
        self.messages: list[dict] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> "MailSink":
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def save(self, content: bytes) -> Path:
        """Write one message under a name no restart can reuse: the time it came, then a random part.

        Names sort in the order the messages came; "x" refuses to overwrite a file already there.
        """
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        with path.open("xb") as file:
            file.write(content)
        return path

    def recipients(self) -> list[str]:
        return sorted(address for m in self.messages for address in m["to"])


def main() -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Run a local SMTP server that keeps every message as an .eml file.")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--directory", default="var/mail")
    args = parser.parse_args()
    sink = MailSink(port=args.port, directory=Path(args.directory)).start()
    print(f"Demo mail server on 127.0.0.1:{args.port}; messages are saved in {args.directory}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sink.stop()


if __name__ == "__main__":
    main()
