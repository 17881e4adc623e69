"""SMS texts never carry unfilled blanks, are the wording of a template that applies to the
task (the account-closed one only for a closed account), and English ones end with the English
signature."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from revisit_tui.callscripts import load_sms_templates, render
from tests.server.conftest import FRAUD_WARNING_SMS, World, sms_request

SIGNATURE = "【示例银行】"


def _sms(task: str, text: str, template: str = "fraud_warning") -> dict[str, str]:
    return {
        "id": str(uuid.uuid4()),
        "task_id": task,
        "template": template,
        "text": text,
        "requested_at": datetime.now(UTC).isoformat(),
    }


def filled(template_id: str, **values: str) -> str:
    """A shipped Chinese template with these values (the bank's name and signature given); an
    empty value leaves nothing in its place, as a careless client would."""
    [template] = [t for t in load_sms_templates("zh-CN") if t.id == template_id]
    text = template.text
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return render(text, {"bank_name": "示例银行", "signature": SIGNATURE})


def test_a_text_with_a_blank_is_refused(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    for text in ("您的账户 ___ 已销户。", "Your account {account} is closed."):
        refused = world.call("POST", "/v1/sms", "a", json=_sms(task, text))
        assert refused.status_code == 422, text
        assert (refused.json()["code"], list(refused.json()["fields"])) == ("sms_blank", ["text"])


def test_a_template_value_left_empty_is_refused_and_named(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")  # no callback booked: no time to confirm
    text = filled("callback_confirmed", callback_time="")
    assert "___" not in text and "{" not in text
    refused = world.call("POST", "/v1/sms", "a", json=_sms(task, text, "callback_confirmed"))
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "sms_blank"
    assert refused.json()["fields"] == {"text": "unfilled: {callback_time}"}


def test_the_account_closed_template_is_only_for_a_closed_account(world: World) -> None:
    text = filled("closure_sms_ended", account="****1234")
    active = world.add_task(world.add_customer("open"), "a")
    refused = world.call("POST", "/v1/sms", "a", json=_sms(active, text, "closure_sms_ended"))
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "sms_template_not_applicable"
    assert list(refused.json()["fields"]) == ["template"]
    closing = world.add_task(world.add_customer("closing", account_status="closing"), "a")
    sent = world.call("POST", "/v1/sms", "a", json=_sms(closing, text, "closure_sms_ended"))
    assert sent.status_code == 202, sent.text
    assert sent.json()["text"] == text


def test_an_unknown_template_or_another_wording_is_refused(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    unknown = world.call("POST", "/v1/sms", "a", json=_sms(task, "您好，请回电", "confirm"))
    assert unknown.status_code == 422
    assert (unknown.json()["code"], list(unknown.json()["fields"])) == (
        "sms_template_unknown",
        ["template"],
    )
    free = FRAUD_WARNING_SMS["zh-CN"].replace("谨防电信网络诈骗", "请点击链接领奖")
    mismatch = world.call("POST", "/v1/sms", "a", json=_sms(task, free))
    assert mismatch.status_code == 422
    assert (mismatch.json()["code"], list(mismatch.json()["fields"])) == (
        "sms_text_mismatch",
        ["text"],
    )
    assert world.call("POST", "/v1/sms", "a", json=sms_request(task)).status_code == 202


def test_english_texts_end_with_the_english_signature(world: World) -> None:
    task = world.add_task(world.add_customer("c", language="en"), "a")
    signed_in_chinese = FRAUD_WARNING_SMS["en"].replace("[Example Bank]", SIGNATURE)
    sent = world.ok("POST", "/v1/sms", "a", json=_sms(task, signed_in_chinese))
    assert sent["text"] == f"{signed_in_chinese} [Example Bank]"
    other = world.add_task(world.add_customer("d", language="en"), "a")
    sent = world.ok("POST", "/v1/sms", "a", json=sms_request(other, language="en"))
    assert sent["text"] == FRAUD_WARNING_SMS["en"]  # signed once
