"""SMS texts never carry unfilled blanks, and English ones end with the English signature."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.server.conftest import World


def _sms(task: str, text: str) -> dict[str, str]:
    return {
        "id": str(uuid.uuid4()),
        "task_id": task,
        "template": "confirm_mobile",
        "text": text,
        "requested_at": datetime.now(UTC).isoformat(),
    }


def test_a_text_with_a_blank_is_refused(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    for text in ("您的账户 ___ 已销户。", "Your account {account} is closed."):
        refused = world.call("POST", "/v1/sms", "a", json=_sms(task, text))
        assert refused.status_code == 422, text
        assert (refused.json()["code"], list(refused.json()["fields"])) == ("sms_blank", ["text"])


def test_english_texts_end_with_the_english_signature(world: World) -> None:
    task = world.add_task(world.add_customer("c", language="en"), "a")
    sent = world.ok("POST", "/v1/sms", "a", json=_sms(task, "Dear customer, thank you."))
    assert sent["text"] == "Dear customer, thank you. [Example Bank]"
