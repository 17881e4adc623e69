"""Masked identifiers show at most their last 4 characters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revisit_tui.domain.masking import mask, mask_field
from revisit_tui.domain.models import MaskedField


def test_real_identifiers_show_their_last_four() -> None:
    assert mask("+8613812345678") == "****5678"
    assert mask_field(MaskedField.IDENTITY_NUMBER, "11010519491231002X") == "****002X"
    assert mask_field("landline", "0755-8888 6666") == "****6666"
    assert mask_field(MaskedField.ACCOUNT_NUMBER, "6222020200112233445") == "****3445"


def test_short_and_missing_values_show_nothing() -> None:
    assert mask("1234567") == "****"
    assert mask("") == mask(None) == ""
    assert mask_field(MaskedField.MOBILE, None) == ""


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError):
        mask_field("phone", "+8613812345678")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_never_reveals_more_than_four_characters(value: str) -> None:
    shown = mask(value)
    assert shown.startswith("****")
    revealed = shown[4:]
    assert len(revealed) <= 4
    assert value.endswith(revealed)
    assert shown.isascii() or not value[-4:].isascii()
