"""An e-mail backend for the worker-kill test: it announces that sending began, waits, then writes the message."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        Path(os.environ["SLOW_MAIL_MARKER"]).touch()
        time.sleep(3)
        return super().send_messages(email_messages)
