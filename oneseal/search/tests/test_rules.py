"""The pure rules, without a database."""

from collections import Counter

import numpy as np
import pytest

from oneseal.search import rules, words


@pytest.mark.parametrize(
    ("query", "variant"),
    [
        ("开饭店", None),
        ("注销公司", "cancellation"),
        ("公司不干了怎么关掉", "cancellation"),
        ("个体户不开了", "cancellation"),
        ("饭店改名字", "change"),
        ("公司换法人", "change"),
        ("食品经营许可证到期了", "renewal"),
        ("劳务派遣证续期", "renewal"),
        ("营业执照丢了", "reissue"),
        ("换执照", "reissue"),
    ],
)
def test_the_verb_of_a_query_names_the_variant(query, variant):
    assert rules.asked_variant(query)[0] == variant


def test_terms_are_characters_and_bigrams_of_the_normalised_text():
    terms = rules.terms(
        "食品（含）ＫＴＶ", rules.TermOptions(unigram_weight=0.5, bigram_weight=1.0)
    )
    assert terms["b:食品"] == 1.0 and terms["c:食"] == 0.5 and terms["a:ktv"] == 1.0
    assert "b:品(" not in terms  # punctuation breaks a run


def test_fillers_leave_the_matter_itself():
    assert rules.strip_fillers("我想开个小饭馆要办什么证").split() == ["开个小饭馆"]


def test_bm25_ranks_the_document_sharing_rare_terms_first_and_tolerates_word_order():
    options = rules.TermOptions()
    docs = [
        rules.terms(t, options) for t in ("建筑工程施工许可证核发", "食品经营许可核发", "取水许可")
    ]
    index = rules.LexicalIndex.build(docs)
    scores = index.scores(rules.terms("许可证施工", options))
    assert int(np.argmax(scores)) == 0
    assert index.scores(Counter({"b:没有": 1.0})).max() == 0


def test_one_handling_item_per_item_and_the_verb_picks_it():
    scores = np.array([0.9, 0.95, 0.5, 0.7])
    items, variants = [1, 1, 1, 2], ["new", "renewal", "cancellation", "new"]
    chosen = rules.choose_per_item(scores, items, variants, "cancellation", rules.Weights())
    assert [c.doc for c in chosen] == [2, 3] or [c.doc for c in chosen] == [3, 2]
    assert {c.doc for c in chosen} == {2, 3}
    plain = rules.choose_per_item(scores, items, variants, None, rules.Weights())
    assert plain[0].doc == 0  # no verb: the new application, though 延续 scored a little higher


def test_phrases_in_finds_everyday_names_written_in_the_query():
    assert rules.phrases_in("我想开饭店", ["开饭店", "开超市", "饭"]) == ["开饭店"]
    assert rules.phrases_in("驾校", ["学驾校"]) == ["学驾校"]
    assert rules.phrases_in("许可", ["食品经营许可证核发"]) == []  # too short a part of it


def test_shared_parts_name_the_pieces_of_the_query_in_the_name():
    assert rules.shared_parts("注销公司", "公司注销登记") == ["注销", "公司"]
    assert rules.shared_parts("许可证施工", "建筑工程施工许可证核发") == ["许可证", "施工"]
    assert rules.shared_parts("开饭店", "食品经营许可") == []


def test_the_catalogues_words_are_segmented_whole_and_become_word_terms():
    vocabulary = words.domain_words(["食品（含保健食品）经营许可", "食品经营许可核发", "开火锅店"])
    assert {
        "食品经营许可",
        "食品经营许可核发",
        "开火锅店",
        "含保健食品",
    } <= vocabulary  # 核发 is the act
    segment = words.segmenter(vocabulary)
    cut = segment("我的食品经营许可证丢了")
    assert (
        "食品经营许可" in cut and "食品" in cut and "经营" in cut
    )  # the word whole, and its parts
    assert "开火锅店" in segment("想开火锅店")
    assert "营业执照" in segment("营业执照丢了")  # jieba's own dictionary
    options = rules.TermOptions(bigram_weight=1.0, word_weight=0.5)
    terms = rules.terms("食品经营许可证到期", options, segment=segment)
    assert terms["w:食品经营许可"] == 0.5 and terms["b:食品"] == 1.0
    assert not any(
        t.startswith("w:") for t in rules.terms("食品经营许可", options)
    )  # no segmenter, no words


def test_word_segmentation_writes_its_cache_under_var_only(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(words, "_base", None)
    monkeypatch.setattr(words, "_domain", None)
    assert "营业执照" in words.segmenter(frozenset())("办营业执照")
    assert [p.name for p in (tmp_path / "search").iterdir()] == ["jieba.cache"]
