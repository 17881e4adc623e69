"""Call scripts and SMS templates: shipped files load and render in both locales; a broken
file is refused with its path and line, and check-config lists every problem at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from revisit_tui.callscripts import SHIPPED, check_scripts, load_script, load_sms_templates
from revisit_tui.cli import main
from revisit_tui.domain.models import Language, TaskKind
from revisit_tui.domain.scripts import (
    BLANK,
    PLACEHOLDERS,
    ScriptError,
    StepKind,
    fill,
    parse_script,
    parse_sms_templates,
    render,
    script_problems,
)

FULL_CONTEXT = {name: f"<{name}>" for name in PLACEHOLDERS}
TRADITIONAL = set("銀賬戶們這號碼說請對話關於與機訊")

GOOD = """\
version = "1"
kind = "periodic"
locale = "en"
title = "Test"

[[steps]]
id = "intro"
kind = "intro"
title = "Opening"
prompt = "Hello {customer_name}, this is {agent_name} of {bank_name}."

[[steps]]
id = "fraud"
kind = "fraud_warning"
title = "Fraud"
prompt = "Never tell anyone a verification code."

[[steps]]
id = "close"
kind = "close"
title = "Close"
prompt = "Goodbye."
"""


def all_texts(kind: TaskKind, locale: Language) -> list[str]:
    script = load_script(kind, locale)
    texts = [script.title]
    for step in script.steps:
        texts += [step.title, step.prompt, step.hint, step.corporate_prompt]
        texts += step.item_prompts.values()
    return texts


@pytest.mark.parametrize("locale", list(Language))
@pytest.mark.parametrize("kind", list(TaskKind))
def test_every_shipped_script_loads_and_renders_without_leftover_placeholders(
    kind: TaskKind, locale: Language
) -> None:
    script = load_script(kind, locale)
    assert (script.kind, script.locale) == (kind, locale.value)
    kinds = [step.kind for step in script.steps]
    assert kinds[0] is StepKind.INTRO and kinds[-1] is StepKind.CLOSE
    assert StepKind.FRAUD_WARNING in kinds
    for text in all_texts(kind, locale):
        rendered = render(text, FULL_CONTEXT)
        assert "{" not in rendered and "}" not in rendered and BLANK not in rendered


@pytest.mark.parametrize("kind", list(TaskKind))
def test_both_locales_have_the_same_steps(kind: TaskKind) -> None:
    zh = load_script(kind, Language.ZH_CN)
    en = load_script(kind, Language.EN)
    assert [(s.id, s.kind, s.items) for s in zh.steps] == [
        (s.id, s.kind, s.items) for s in en.steps
    ]


def test_chinese_scripts_use_the_seeds_wording_in_simplified_characters() -> None:
    texts = "".join(text for kind in TaskKind for text in all_texts(kind, Language.ZH_CN))
    assert not TRADITIONAL & set(texts)
    periodic = load_script(TaskKind.PERIODIC, Language.ZH_CN)
    assert periodic.steps[0].prompt.startswith("您好，我是{bank_name}客户服务中心的{agent_name}")
    fraud = next(s for s in periodic.steps if s.kind is StepKind.FRAUD_WARNING)
    assert "千万不要随意把账户密码、验证码这些信息告诉陌生人" in fraud.prompt
    special = load_script(TaskKind.SPECIAL_EVENT, Language.ZH_CN)
    assert special.steps[1].kind is StepKind.TRANSACTION_CHECK  # leads with the flagged one
    closure = "".join(all_texts(TaskKind.CLOSURE, Language.ZH_CN))
    assert "短信通知服务" in closure and "手机银行" in closure


def test_sms_templates_carry_the_signature_placeholder() -> None:
    for locale in Language:
        templates = load_sms_templates(locale)
        assert [t.id for t in templates][:1] == ["verify_mobile"]
        assert all(t.text.rstrip().endswith("{signature}") for t in templates)
    verify = load_sms_templates("zh-CN")[0]
    text = render(verify.text, {"phone": "****5678", "signature": "【示例银行】"})
    assert text.endswith("手机银行更新。【示例银行】") and "****5678" in text


@pytest.mark.parametrize("locale", list(Language))
@pytest.mark.parametrize("kind", list(TaskKind))
def test_no_script_line_shows_a_blank_whatever_is_not_on_file(
    kind: TaskKind, locale: Language
) -> None:
    """Each value missing alone, then all of them: no line the agent reads holds a blank or a
    brace, and a contact point not on file is asked for in the script's own words."""
    script = load_script(kind, locale)
    for gone in [*sorted(PLACEHOLDERS), "every"]:
        context = {} if gone == "every" else {**FULL_CONTEXT, gone: ""}
        for step in script.steps:
            lines = [fill(text, context) for text in (step.title, step.prompt, step.hint)]
            lines += [step.item_line(item, context) for item in step.items]
            for line in lines:
                assert BLANK not in line and "{" not in line and "}" not in line, (gone, line)
            if step.kind is StepKind.CONTACT_CHECK:
                for item in step.item_prompts:
                    said = step.item_line(item, context)
                    assert said, (gone, item)
                    if gone == "every":
                        assert said == step.missing_prompts[item]


def test_a_sentence_naming_a_value_not_on_file_is_left_out() -> None:
    assert fill("您在我行预留的固定电话是{landline}吗？", {}) == ""
    text = "处理结果是：{escalation_resolution}。请问现在问题解决了吗？"
    assert fill(text, {}) == "请问现在问题解决了吗？"
    assert (
        fill(text, {"escalation_resolution": "已退款"})
        == "处理结果是：已退款。请问现在问题解决了吗？"
    )
    english = "Is your number {phone}? If it changed, tell us. Thank you."
    assert fill(english, {"phone": ""}) == "If it changed, tell us. Thank you."


def test_missing_prompts_must_name_items_of_the_step() -> None:
    bad = GOOD.replace(
        'prompt = "Goodbye."', 'prompt = "Goodbye."\n\n[steps.missing_prompts]\nmobile = "No."'
    )
    (problem,) = script_problems(bad)
    assert "missing_prompts.mobile is for an item not in items" in problem.reason


def test_a_missing_value_renders_as_a_blank_not_as_a_brace() -> None:
    assert render("您好，{customer_name}", {}) == f"您好，{BLANK}"


def test_broken_toml_is_refused_with_its_line() -> None:
    broken = GOOD.replace('title = "Close"', 'title = "Close')
    with pytest.raises(ScriptError) as caught:
        parse_script(broken, "x/periodic.toml")
    assert caught.value.path == "x/periodic.toml"
    assert caught.value.line == GOOD.splitlines().index('title = "Close"') + 1


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_semantic_problem_is_listed_with_the_line_of_the_key() -> None:
    bad = (
        GOOD.replace("{agent_name}", "{agent}")
        .replace('kind = "fraud_warning"', 'kind = "fraud"')
        .replace('prompt = "Goodbye."', 'prompt = "Goodbye."\nitems = ["happiness"]')
    )
    problems = script_problems(bad, "p.toml")
    by_line = {problem.line: problem.reason for problem in problems}
    assert "unknown placeholder {agent}" in by_line[line_of(bad, "{agent}")]
    assert "bank_name" in by_line[line_of(bad, "{agent}")]  # lists the allowed names
    assert "kind must be one of" in by_line[line_of(bad, 'kind = "fraud"')]
    assert "'happiness'" in by_line[line_of(bad, "happiness")]
    assert len(problems) == 3


@pytest.mark.parametrize("line", ['fills = ["satisfaction"]', "optional = true"])
def test_keys_the_app_does_not_read_are_not_part_of_the_format(line: str) -> None:
    with_key = GOOD.replace('prompt = "Goodbye."', f'prompt = "Goodbye."\n{line}')
    (problem,) = script_problems(with_key, "p.toml")
    assert problem.line == line_of(with_key, line)
    assert f"unknown key {line.split()[0]!r}" in problem.reason


def test_duplicate_ids_and_missing_required_steps() -> None:
    twice = GOOD.replace('id = "fraud"', 'id = "intro"')
    (problem,) = script_problems(twice)
    second = [n for n, line in enumerate(twice.splitlines(), 1) if line == 'id = "intro"'][1]
    assert "used twice" in problem.reason and problem.line == second
    no_fraud = GOOD.replace('kind = "fraud_warning"', 'kind = "security_tips"')
    (missing,) = script_problems(no_fraud)
    assert "'fraud_warning'" in missing.reason


def test_items_must_suit_the_step_kind() -> None:
    bad = GOOD.replace('prompt = "Goodbye."', 'prompt = "Goodbye."\nitems = ["mobile"]')
    (problem,) = script_problems(bad)
    assert "'mobile'" in problem.reason and problem.line == line_of(bad, "items =")


def test_a_bad_sms_template_is_refused_with_its_line() -> None:
    text = 'locale = "en"\n\n[templates.hello]\ntitle = "Hi"\ntext = "Hi {name}. {signature}"\n'
    with pytest.raises(ScriptError) as caught:
        parse_sms_templates(text, "sms.toml")
    assert caught.value.line == 5 and "{name}" in caught.value.reason


def test_check_config_lists_every_script_problem_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "scripts"
    shutil.copytree(SHIPPED, edited, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    periodic = edited / "zh-CN" / "periodic.toml"
    periodic.write_text(
        periodic.read_text(encoding="utf-8").replace("{phone}", "{mobile_number}"),
        encoding="utf-8",
    )
    (edited / "en" / "closure.toml").unlink()
    (edited / "en" / "sms.toml").write_text("locale = [", encoding="utf-8")
    problems = check_scripts(edited)
    assert len(problems) == 3
    assert any(p.startswith(f"{periodic}:") and "{mobile_number}" in p for p in problems)
    assert any("closure.toml" in p and "missing" in p for p in problems)
    monkeypatch.chdir(tmp_path)
    assert main(["check-config", "--scripts", str(edited)]) == 1
    out = capsys.readouterr().out
    assert "3 problem(s) found" in out
    assert main(["check-config"]) == 0
    config = tmp_path / "bank.toml"
    config.write_text(f'[ui]\nscripts_dir = "{edited}"\n', encoding="utf-8")
    assert main(["check-config", str(config)]) == 1
