"""Mail backends for the fault tests (issue 22).

``Mailbox`` stands for the recipient's side: every transmission is logged, and the mailbox keeps one message per
``Message-ID``, as mail servers and clients do with a message they already hold.
"""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

transmissions: list = []
mailbox: dict[str, object] = {}
failures_left = {"after_send": 0}


def reset() -> None:
    transmissions.clear()
    mailbox.clear()
    failures_left["after_send"] = 0


class SendThenFailBackend(BaseEmailBackend):
    """Delivers, then reports failure (as when the connection drops after the server accepted the message)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            mime = message.message()
            transmissions.append(mime)
            mailbox.setdefault(mime["Message-ID"], mime)
        if failures_left["after_send"] > 0:
            failures_left["after_send"] -= 1
            raise smtplib.SMTPServerDisconnected("connection lost after the message was accepted")
        return len(email_messages)
