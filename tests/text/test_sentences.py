"""One sentence splitter for summaries and translation: English and Japanese news text."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import sentences
from service.translate import registry


@pytest.mark.parametrize("text, expected", [
    ("Mr. Lee met Mr. Ishiba. They talked.", ["Mr. Lee met Mr. Ishiba.", "They talked."]),
    ("John F. Kennedy spoke at 10 a.m. on Tuesday. He left.", ["John F. Kennedy spoke at 10 a.m. on Tuesday.", "He left."]),
    ("Prices rose 3.5 percent. Wages did not.", ["Prices rose 3.5 percent.", "Wages did not."]),
    ('"We will act. This is final," she said. Then she left.', ['"We will act. This is final," she said.', "Then she left."]),
    ("He said “we agree. Fully.” Then he left.", ["He said “we agree. Fully.”", "Then he left."]),
    ('"Is it over?" he asked. Nobody answered.', ['"Is it over?" he asked.', "Nobody answered."]),
    ("Seven members (including Dr. Ng. and two others) voted. It passed.",
     ["Seven members (including Dr. Ng. and two others) voted.", "It passed."]),
    ("(The ministry declined to comment.) Talks resume Monday.",
     ["(The ministry declined to comment.)", "Talks resume Monday."]),
    ("They expect one more rise... but not soon. Markets fell... Then they rose.",
     ["They expect one more rise... but not soon.", "Markets fell...", "Then they rose."]),
    ("It was quiet… The end came.", ["It was quiet…", "The end came."]),
    ("Tarven will: 1. hire 3,000 workers; 2. train 500 technicians. Work starts in May.",
     ["Tarven will: 1. hire 3,000 workers; 2. train 500 technicians.", "Work starts in May."]),
    ("The plan has (1) tariffs, (2) chips and (3) visas. It was signed.",
     ["The plan has (1) tariffs, (2) chips and (3) visas.", "It was signed."]),
    ("The talks were held in the U.S. The deal followed.", ["The talks were held in the U.S.", "The deal followed."]),
    ("The U.S. Federal Reserve met. Coastline Bank Inc. gained 4%.",
     ["The U.S. Federal Reserve met.", "Coastline Bank Inc. gained 4%."]),
    ("Visit example.com/news for more. Or not!", ["Visit example.com/news for more.", "Or not!"]),
    ("First line\nSecond line. Third.", ["First line", "Second line.", "Third."]),
])
def test_english(text, expected):
    assert sentences.split(text, "en") == expected


@pytest.mark.parametrize("text, expected", [
    ("お迎えしました。「ありがとう。」と言った！本当？", ["お迎えしました。", "「ありがとう。」と言った！", "本当？"]),
    ("首相は「成果があった。今後も続ける。」と述べた。会談は終わった。",
     ["首相は「成果があった。今後も続ける。」と述べた。", "会談は終わった。"]),
    ("「以上だ。」彼は席を立った。", ["「以上だ。」", "彼は席を立った。"]),
    ("彼は『はい。』と答えた。", ["彼は『はい。』と答えた。"]),
    ("政府は(1)関税の撤廃(2)投資の拡大(3)人材交流の5項目で合意した。首相が発表した。",
     ["政府は(1)関税の撤廃(2)投資の拡大(3)人材交流の5項目で合意した。", "首相が発表した。"]),
    ("計画には、（１）児童手当の拡大、（２）保育士の処遇改善が入った。財源は未定だ。",
     ["計画には、（１）児童手当の拡大、（２）保育士の処遇改善が入った。", "財源は未定だ。"]),
    ("財源は3兆円（国と地方の合計。見込み）とした。詳細は後日。", ["財源は3兆円（国と地方の合計。見込み）とした。", "詳細は後日。"]),
    ("川の水があっという間に……。こんなことは初めてです。", ["川の水があっという間に……。", "こんなことは初めてです。"]),
    ("気象庁は……警戒を呼びかけた。", ["気象庁は……警戒を呼びかけた。"]),
    ("何？って言った。すごい！と叫んだ。", ["何？って言った。", "すごい！と叫んだ。"]),
    ("ＡＩ開発で協力する。Ｕ．Ｓ．とも協議する。", ["ＡＩ開発で協力する。", "Ｕ．Ｓ．とも協議する。"]),
    ("結果を公表した．次回は未定だ．", ["結果を公表した．", "次回は未定だ．"]),
])
def test_japanese(text, expected):
    assert sentences.split(text, "ja") == expected


def test_translation_uses_the_same_splitter():
    """Machine translation splits with this module (argostranslate's MiniSBD would need the network)."""
    assert registry.split_sentences is sentences.split
    assert sentences.split("  \n ", "en") == []
    assert sentences.split_lines("a\r\nb\nc") == ["a", "b", "c"]
    assert sentences.joiner("ja") == "" and sentences.joiner("ko") == " "


@pytest.mark.timeout(30)  # a hang guard, not a speed measurement (that is benchmarks/summaries.py's job)
@pytest.mark.parametrize("text", ["「" * 20000 + "。" * 20000, "(" * 30000 + "." * 30000, ". " * 50000, '"a. ' * 30000])
def test_hostile_text_splits_without_hanging(text):
    assert "".join(sentences.split(text, "ja")).replace(" ", "") == text.replace(" ", "")


TEXT = st.lists(st.sampled_from(list("ab A .。！?!、「」『』()（）\"“”…\n") + ["Mr.", "U.S.", "1.", "(2)", "東京", "3.5"]),
                max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(["en", "ja", "ko"]))
def test_spans_are_ordered_stripped_and_cover_every_visible_character(text, lang):
    spans = sentences.spans(text, lang)
    assert all(a < b for a, b in spans) and all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)
    covered = {i for a, b in spans for i in range(a, b)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert sentences.split(text, lang) == [text[a:b] for a, b in spans]
