"""The mail server of ``benchmarks/faults.py``: slow enough that a killed worker dies mid-send, and on the disk.

Each message takes ``FAULT_MAIL_DELAY`` seconds: half before it is accepted (a kill then loses it) and half after
(a kill then leaves it delivered but not recorded — the case that used to send a second, different copy). Every
accepted message is appended, with its Message-ID, to a log per process under ``FAULT_MAIL_DIR``.
"""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowLoggingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("FAULT_MAIL_DELAY", "0.3"))
        log = Path(os.environ["FAULT_MAIL_DIR"]) / f"{os.getpid()}.jsonl"
        for message in email_messages:
            time.sleep(delay / 2)
            mime = message.message()
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"message_id": mime["Message-ID"], "to": message.to, "at": time.time()}) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            time.sleep(delay / 2)
        return len(email_messages)
