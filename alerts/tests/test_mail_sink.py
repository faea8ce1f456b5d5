"""The demo mail sink keeps every email across restarts."""

import smtplib
from email.message import EmailMessage

from alerts.mail_sink import MailSink


def _send(port: int, subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", subject
    message.set_content("Body")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


def test_a_restarted_sink_overwrites_no_earlier_email(tmp_path):
    for subject in ("Before the restart", "After the restart"):
        sink = MailSink(directory=tmp_path).start()
        try:
            _send(sink.port, subject)
        finally:
            sink.stop()
    saved = sorted(tmp_path.glob("*.eml"))
    assert len(saved) == 2
    bodies = [path.read_bytes() for path in saved]
    assert b"Before the restart" in bodies[0] and b"After the restart" in bodies[1]
