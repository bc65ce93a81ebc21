"""The text dedupe compares and its MinHash signatures: datasketch's values, computed in bulk."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from gongwen.pipelines.dedupe import minhash
from gongwen.pipelines.dedupe.comparable import SHINGLE, codepoints, comparable, overlap, window_hashes
from gongwen.pipelines.dedupe.minhash import NUM_PERM, SEED, candidate_pairs, estimated_similarity, signatures
from tests.test_dedupe import ALTERED_BODY, BODY, LESHAN_BODY


def test_comparable_text_folds_script_glosses_width_spacing_and_punctuation() -> None:
    printed = "國務院辦(ban)公廳 關於\u3000印發《２０２２年　工作要點》的通知：\n一、Ａ類事項。"
    assert comparable(printed) == "国务院办公厅关于印发2022年工作要点的通知一a类事项"


def test_signatures_are_datasketchs_minhash_of_the_shingles() -> None:
    text = comparable(BODY)
    expected = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    expected.update_batch(window_hashes(codepoints(text)).tolist())
    assert (signatures([text])[0] == expected.hashvalues).all()


def test_signatures_in_bulk_equal_signatures_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minhash, "CHUNK_CHARS", 300)  # several chunks, each with several texts
    texts = [comparable(t) for t in (BODY, "短短的一段正文", ALTERED_BODY, LESHAN_BODY, BODY[:120])]
    together = signatures(texts)
    for text, row in zip(texts, together, strict=True):
        assert (signatures([text])[0] == row).all()


def test_a_text_shorter_than_a_shingle_has_no_signature() -> None:
    with pytest.raises(ValueError, match="at least"):
        signatures(["四个汉字"])


def test_near_duplicates_are_candidates_and_unrelated_texts_are_not() -> None:
    texts = [comparable(t) for t in (BODY, LESHAN_BODY, ALTERED_BODY)]
    sigs = signatures(texts)
    pairs = candidate_pairs(sigs)
    assert pairs.tolist() == [[0, 2]]
    estimate = estimated_similarity(sigs, pairs)[0]
    assert estimate == pytest.approx(overlap(texts[0], texts[2]).similarity, abs=0.1)


def test_identical_texts_in_a_large_bucket_are_all_connected() -> None:
    sigs = signatures([comparable(BODY)] * 100)
    pairs = candidate_pairs(sigs)
    linked = {0}
    for i, j in sorted(pairs.tolist()):
        if i in linked:
            linked.add(j)
    assert linked == set(range(100))
    assert len(pairs) < 100 * 99 // 2  # each joins its near neighbours, not all 4,950 pairs


def test_overlap_counts_changed_shingles() -> None:
    a = comparable(BODY)
    assert overlap(a, a) == (1.0, 0)
    one_char = a.replace("水库", "水塘", 1)
    similarity, changed = overlap(a, one_char)
    assert 0 < changed <= 2 * SHINGLE
    assert similarity > 0.97
    assert np.isclose(overlap("", "").similarity, 1.0)
