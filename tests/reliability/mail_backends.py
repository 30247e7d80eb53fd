"""E-mail backends for the worker processes the reliability tests start (chosen with EMAIL_BACKEND; files under
TEST_MAIL_DIR, which the test reads):

- HangingBackend: the SMTP server never answers — writes `sending-<pid>` and blocks, so the test can kill the worker
  between the claim of a notice and its send.
- RecordingBackend: the SMTP server takes every message — one JSON line per message in `sent.jsonl`."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


def _dir() -> Path:
    return Path(os.environ["TEST_MAIL_DIR"])


class HangingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        (_dir() / f"sending-{os.getpid()}").write_text(json.dumps([m.to for m in email_messages]))
        time.sleep(600)
        return 0


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with (_dir() / "sent.jsonl").open("a") as out:
            for message in email_messages:
                out.write(json.dumps({"to": message.to, "subject": message.subject,
                                      "message_id": message.extra_headers.get("Message-ID")}, ensure_ascii=False) + "\n")
        return len(email_messages)
