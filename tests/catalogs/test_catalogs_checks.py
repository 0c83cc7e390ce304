"""What a reviewed translation must keep from its source: URLs and handles (errors), numbers
and placeholders (warnings)."""
from service.catalogs.checks import check_translation


def reasons(msgid, msgstr):
    return [(f.error, f.reason) for f in check_translation(msgid, msgstr)]


def test_urls_with_or_without_scheme_must_survive():
    assert reasons("See https://apnews.com/a-b.", "참조: https://apnews.com/a-b") == []
    assert reasons("Photo pic.twitter.com/DVFAgKVJgA", "사진") == [
        (True, "URL pic.twitter.com/DVFAgKVJgA is missing from the translation")]
    assert reasons("See https://x.com/a", "참조 https://x.com/b")[0][0] is True


def test_handles_must_survive_but_emails_are_not_handles():
    assert reasons("石破茂 (@shigeruishiba)", "이시바 시게루 (@shigeruishiba)") == []
    assert reasons("石破茂 (@shigeruishiba)", "이시바 시게루") == [
        (True, "handle @shigeruishiba is missing from the translation")]
    assert reasons("Write to press@example.org", "문의") == []


def test_numbers_only_warn_and_are_compared_loosely():
    assert reasons("On 2025-08-23, 1,200 people", "2025년 8월 23일, 1200명") == []
    assert reasons("２０２５年", "2025년") == []
    assert reasons("3 hours", "세 시간") == [(False, "number 3 is missing from the translation")]


def test_placeholders_only_warn():
    assert reasons("Hello {name}", "안녕") == [(False, "placeholder {name} is missing from the translation")]
    assert reasons("up 5% on the year", "연간 5% 상승") == []
