"""One-time codes: 6 digits, 5 minutes, 3 tries, limits per number and per address, stored
hashed, lock-outs logged, decoys that never verify."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from apps.core import otp
from apps.core.errors import ValidationFailed
from apps.core.models import OneTimeCode, OtpLockout

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PHONE = "+97336001234"


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    cache.clear()
    yield
    cache.clear()


def _issue(subject="880412345|" + PHONE, recipient=PHONE, ip="198.51.100.1", decoy=False, now=T0):
    return otp.otp_issue(purpose="test", subject=subject, recipient=recipient, ip=ip, decoy=decoy, now=now)


def _verify(code, subject="880412345|" + PHONE, ip="198.51.100.1", now=T0, then=None):
    return otp.otp_verify(purpose="test", subject=subject, code=code, ip=ip, now=now, then=then)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_is_six_digits_and_lives_five_minutes():
    issued = _issue()
    assert len(issued.code) == 6 and issued.code.isdigit()
    assert issued.expires_at == T0 + timedelta(minutes=5)


def test_only_keyed_hashes_are_stored():
    issued = _issue()
    row = OneTimeCode.objects.get()
    stored = " ".join(str(v) for v in row.__dict__.values())
    assert issued.code not in stored and "880412345" not in stored and PHONE not in stored


def test_the_right_code_verifies_once_and_runs_the_follow_up():
    issued = _issue()
    assert _verify(issued.code, then=lambda: "accepted") == "accepted"
    with pytest.raises(otp.OtpExpired):
        _verify(issued.code)


def test_arabic_indic_digits_are_accepted():
    issued = _issue()
    arabic = issued.code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert _verify(arabic, then=lambda: True) is True


def test_a_malformed_code_costs_no_try():
    issued = _issue()
    with pytest.raises(ValidationFailed):
        _verify("12ab")
    assert OneTimeCode.objects.get().attempts == 0
    assert _verify(issued.code, then=lambda: True)


def test_a_code_expires_after_five_minutes():
    issued = _issue()
    with pytest.raises(otp.OtpExpired):
        _verify(issued.code, now=T0 + timedelta(minutes=5, seconds=1))


def test_a_wrong_code_says_how_many_tries_are_left():
    issued = _issue()
    with pytest.raises(otp.OtpWrong) as first:
        _verify(_wrong(issued.code))
    assert first.value.details["tries_left"] == 2
    assert OneTimeCode.objects.get().attempts == 1


def test_the_third_wrong_try_spends_the_code_and_logs_a_lock_out():
    issued = _issue()
    for _ in range(2):
        with pytest.raises(otp.OtpWrong):
            _verify(_wrong(issued.code))
    with pytest.raises(otp.OtpSpent):
        _verify(_wrong(issued.code))
    with pytest.raises(otp.OtpSpent):
        _verify(issued.code)  # even the right code, now
    assert OtpLockout.objects.filter(purpose="test", scope="code").count() == 1


def test_a_wrong_try_is_counted_even_when_the_follow_up_would_have_saved_something():
    issued = _issue()
    with pytest.raises(otp.OtpWrong):
        _verify(_wrong(issued.code), then=lambda: pytest.fail("must not run"))
    assert OneTimeCode.objects.get().attempts == 1


def test_a_failing_follow_up_gives_the_code_back():
    issued = _issue()

    def boom():
        raise ValidationFailed("no")

    with pytest.raises(ValidationFailed):
        _verify(issued.code, then=boom)
    assert OneTimeCode.objects.get().used_at is None
    assert _verify(issued.code, then=lambda: True)


def test_a_new_code_replaces_the_old_one():
    old = _issue()
    new = _issue(now=T0 + timedelta(seconds=30))
    assert OneTimeCode.objects.filter(superseded_at__isnull=False).count() == 1
    if old.code != new.code:  # one chance in a million that they are the same
        with pytest.raises(otp.OtpWrong):
            _verify(old.code, now=T0 + timedelta(seconds=40))
    assert _verify(new.code, now=T0 + timedelta(seconds=41), then=lambda: True)


def test_a_code_is_bound_to_its_subject():
    issued = _issue()
    with pytest.raises(otp.OtpExpired):
        _verify(issued.code, subject="999999999|" + PHONE)


def test_a_decoy_never_verifies_but_answers_like_a_code():
    issued = _issue(decoy=True)
    with pytest.raises(otp.OtpWrong):
        _verify(issued.code)


def test_three_codes_per_number_per_hour_then_a_logged_lock_out():
    for minute in range(3):
        _issue(ip=f"198.51.100.{minute}", now=T0 + timedelta(minutes=minute))
    with pytest.raises(otp.OtpLocked):
        _issue(ip="198.51.100.99")
    with pytest.raises(otp.OtpLocked):
        _issue(ip="198.51.100.98")
    assert list(OtpLockout.objects.values_list("scope", "value")) == [("recipient", PHONE)]


def test_ten_codes_per_address_per_hour_across_numbers():
    for n in range(10):
        _issue(subject=f"s{n}", recipient=f"+9733600{n:04d}")
    with pytest.raises(otp.OtpLocked):
        _issue(subject="s10", recipient="+97336009999")
    assert OtpLockout.objects.filter(scope="ip", value="198.51.100.1").count() == 1


def test_wrong_codes_from_one_address_are_limited_across_subjects(settings):
    settings.HOUSING_OTP_FAILURES_PER_IP = 4
    for n in range(4):
        _issue(subject=f"s{n}", recipient=f"+9733600{n:04d}")
        with pytest.raises((otp.OtpWrong, otp.OtpSpent)):
            _verify("000000" if n % 2 else "999999", subject=f"s{n}")
    issued = _issue(subject="s9", recipient="+97336009999", ip="198.51.100.2")
    with pytest.raises(otp.OtpLocked):
        _verify(issued.code, subject="s9")  # from the locked address, even the right code
    assert OtpLockout.objects.filter(scope="ip", value="198.51.100.1").exists()
