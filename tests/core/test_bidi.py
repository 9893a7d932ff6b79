"""Left-to-right tokens inside Arabic text are isolated; user text keeps its own direction."""

from apps.core.templatetags.bidi import ltr_tokens
from apps.core.text import LRI, PDI, isolate_ltr_tokens

SMS = "وزارة الإسكان: رقم المراجعة 2026-000005-3. تابع طلبك عبر https://example.bh/portal/track/ أو اتصل 80008001."


def test_review_numbers_urls_and_phones_are_isolated_in_html():
    html = ltr_tokens(SMS)
    for token in ("2026-000005-3", "https://example.bh/portal/track/", "80008001"):
        assert f'<bdi dir="ltr" class="ltr-token">{token}</bdi>' in html


def test_the_sentence_punctuation_stays_outside_the_isolate():
    html = ltr_tokens(SMS)
    assert "80008001</bdi>." in html
    assert "2026-000005-3</bdi>." in html


def test_user_text_is_escaped_before_tokens_are_isolated():
    html = ltr_tokens("<script>alert(1)</script> 2026-000005-3")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_plain_text_gets_unicode_isolates():
    assert f"{LRI}80008001{PDI}" in isolate_ltr_tokens("اتصل على 80008001")
