"""The vectorised engine gives the hits Whoosh's own matchers give, on real documents."""

from __future__ import annotations

import random

import numpy as np
import pytest

import search
import search.engine.matching as matching_module
import search.index as index_module
from search.engine.codec import ArrayMatcher
from search.engine.matching import Unsupported, matched, top_documents
from search.engine.postings import SUMS, Postings, encode_postings

#: Every query form the engine evaluates; prefixes aside (see below).
QUERIES = [
    '"United Nations"',
    '"General Assembly"',
    '"Nations Unies"',
    '"coopération Sud-Sud"',
    '"South-South cooperation"',  # a word twice in a row
    '"South-South and triangular cooperation"',
    '"the Secretary-General to submit"',
    '"the Secretary-General to submit"~2',
    '"human rights and fundamental freedoms"',
    '"small island developing States"',
    '"Déclaration universelle des droits de l\'homme"',
    "desertification",
    "development",
    "nations",
    "coopération triangulaire",
    "nuclear disarmament",
    "international peace security",
    "climate finance kind:op",
    "development year:2025",
    "year:2020..2025 ocean",
    "session:80 climate",
    "lang:fr développement",
    "sud OR nord",
    "human rights OR peace",
    "nuclear -weapons",
    "development SAUF durable",
    '"United Nations" development',
    '"Secretary-General" report',
    "cites:57/263",
    "symbol:80/7 development",
]


def _keys(hits) -> list[tuple[str, str, float]]:
    return [(h.symbol, h.paragraph, h.score) for h in hits]


@pytest.fixture
def whoosh_only(monkeypatch):
    """Run searches on Whoosh's matchers and collectors only."""

    def unsupported(*args, **kwargs):
        raise Unsupported("off")

    def run(ix, query, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(matching_module, "top_documents", unsupported)
            return ix.search(query, **kwargs)

    return run


@pytest.mark.parametrize("query", QUERIES)
def test_same_hits_as_whoosh_matchers(ix, whoosh_only, query):
    assert _keys(ix.search(query, limit=10)) == _keys(whoosh_only(ix, query, limit=10))


@pytest.mark.parametrize(
    "query", ['"United Nations"', "development", '"the Secretary-General to submit"']
)
def test_same_hits_as_whoosh_matchers_deep(ix, whoosh_only, query):
    # far past the first page, where ties on score are many
    assert _keys(ix.search(query, limit=200)) == _keys(whoosh_only(ix, query, limit=200))


@pytest.mark.parametrize("query", QUERIES)
def test_the_documents_matched_among_some_are_those_a_full_search_finds(ix, query):
    s = ix.searcher()
    q = ix._compile(index_module.parse(query), query, None)
    every = {docnum for _, docnum in top_documents(s, q, s.doc_count_all(), ix._lengths).top}
    rng = random.Random(query)
    some = set(rng.sample(sorted(every), min(20, len(every))))
    some |= set(rng.sample(range(s.doc_count_all()), 50))
    assert matched(s, q, some, ix._lengths) == some & every


def test_the_sample_index_is_searched_vectorised(ix):
    s = ix.searcher()
    q = index_module.compile_query(index_module.parse("development"), "en")
    ranked = top_documents(s, q, 3, ix._lengths)
    assert len(ranked.top) == 3
    scores = [score for score, _ in ranked.top]
    assert scores == sorted(scores, reverse=True)
    m = s.reader().leaf_readers()[0][0].postings("text_en", "develop")
    assert isinstance(getattr(m, "child", m), ArrayMatcher)  # child: without deleted documents


def test_prefix_hits_are_ranked_by_the_words_they_match(ix):
    hits = ix.search("cooperat*", limit=20)
    assert len(hits) == 20
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]
    assert all("cooperat" in h.text.lower()[s:e] for h in hits for s, e in h.matches[:1])


def test_replaced_document_is_not_found_in_its_old_segment(tmp_path):
    doc = tmp_path / "speech.txt"
    doc.write_text("Desertification threatens the Sahel.\n", encoding="utf-8")
    search.ingest([doc], tmp_path / "ix")
    doc.write_text("Reforestation restores the Sahel.\n", encoding="utf-8")
    search.ingest([doc], tmp_path / "ix")
    with search.open_index(tmp_path / "ix") as ix:
        assert len(ix.searcher().leaf_searchers()) == 2  # the old one has a deletion
        assert ix.search("desertification") == []
        assert [h.text for h in ix.search("Sahel")] == ["Reforestation restores the Sahel."]


def test_postings_round_trip_with_values():
    ids = list(range(0, 3000, 3))
    weights = [float(1 + i % 4) for i in range(len(ids))]
    values = [f"v{i}".encode() for i in range(len(ids))]
    p = Postings.from_bytes(encode_postings(ids, weights, values))
    assert p.ids.tolist() == ids
    assert p.weights.tolist() == weights
    assert [p.value(i) for i in (0, 127, 128, 999)] == [b"v0", b"v127", b"v128", b"v999"]
    assert p.values([999, 0, 128]) == [b"v999", b"v0", b"v128"]


@pytest.mark.parametrize("layout", ["bytes", "positions"])
def test_postings_are_read_from_a_file_that_is_not_in_memory(layout):
    from search.engine.postings import pack_positions

    class File:  # a Whoosh file read with get(), as without memory maps
        def __init__(self, data: bytes) -> None:
            self.data = data

        def get(self, offset: int, length: int) -> bytes:
            return self.data[offset : offset + length]

    ids = list(range(5, 50_000, 7))
    weights = [float(1 + i % 3) for i in range(len(ids))]
    values = [
        f"v{i}".encode() if layout == "bytes" else pack_positions(range(i, i + int(w)))
        for i, w in enumerate(weights)
    ]
    data = encode_postings(ids, weights, values)
    p = Postings(File(b"head" + data), 4)
    assert p.ids.tolist() == ids
    assert p.values([0, 129, 7_142]) == [values[0], values[129], values[7_142]]
    fresh = Postings(File(b"head" + data), 4)  # nothing decoded yet: read block by block
    assert fresh.weights_at(np.array([0, 700])).tolist() == [weights[0], weights[700]]
    docs = [*ids[::700], 50_001]
    found, at = fresh.find(np.array(docs))
    assert (found.tolist(), at.tolist()) == (list(range(11)), list(range(0, 7_143, 700)))


@pytest.mark.parametrize(
    "sizes",
    [
        (40_000, 200_000),
        (300_000, 400_000),
        (10, 200_000),
        (5_000, 5_000),
        (1, 1),
        (0, 10),
        (3, 100_000),
    ],
)
def test_intersections_give_the_indexes_of_the_common_documents(sizes):
    from search.engine.postings import intersect

    rng = np.random.default_rng(sum(sizes))
    a, b = (np.unique(rng.integers(0, 1_000_000, n)) for n in sizes)
    expected = np.intersect1d(a, b, assume_unique=True, return_indices=True)[1:]
    for x, y, (ix, iy) in ((a, b, expected), (b, a, expected[::-1])):
        got = intersect(x, y)
        assert [g.tolist() for g in got] == [ix.tolist(), iy.tolist()]
    assert [g.tolist() for g in intersect(a, a + 2_000_000)] == [[], []]


def test_positions_past_the_16_bit_range_are_packed_wide():
    from search.engine.postings import pack_positions, unpack_positions

    assert len(pack_positions([0, 65_534])) == 4
    for positions in ([65_535], [1, 65_535], [7, 70_000, 4_000_000]):
        assert unpack_positions(pack_positions(positions)) == positions
        assert pack_positions(positions)[:2] == b"\xff\xff"


@pytest.mark.parametrize("weight", [1, 3, 255, 256, 1_000])
@pytest.mark.parametrize("last", [1_500, 65_534, 65_535, 70_000])
def test_lists_of_several_terms_are_encoded_as_each_alone(weight, last):
    # a weight past a byte or a position past 16 bits: that list posting by posting
    from search.engine.postings import encode_position_lists, pack_positions

    rng = random.Random(weight * last)
    docs, freqs, positions, starts = [], [], [], [0]
    for n in (1, 40, 3):
        ids = sorted(rng.sample(range(1_000), n))
        counts = [*(rng.randint(1, 4) for _ in ids[1:]), weight]
        places = [[*sorted(rng.sample(range(last), k - 1)), last] for k in counts]
        docs += ids
        freqs += counts
        positions += [x for p in places for x in p]
        starts.append(len(docs))
    lists = encode_position_lists(starts, docs, freqs, positions)
    at = 0
    for t, data in enumerate(lists):
        s, e = starts[t], starts[t + 1]
        values = []
        for k in freqs[s:e]:
            values.append(pack_positions(positions[at : at + k]))
            at += k
        assert data == encode_postings(docs[s:e], [float(k) for k in freqs[s:e]], values)


@pytest.mark.parametrize("gap", [1, 255, 256, 65_535, 65_536, 3_000_000])
def test_postings_keep_every_gap_width(gap):
    ids = [7, 7 + gap, 7 + 2 * gap + 1]
    assert Postings.from_bytes(encode_postings(ids, [1.0] * 3, [b""] * 3)).ids.tolist() == ids


@pytest.mark.parametrize(
    "weights", [[2.0, 2.0, 2.0], [1.0, 3.0, 255.0], [1.0, 256.0, 2.0], [0.5, 1.0, 1.5]]
)
def test_postings_keep_weights(weights):
    p = Postings.from_bytes(encode_postings([1, 2, 3], weights, [b"x", b"", b"y"]))
    assert p.weights.tolist() == weights
    assert [p.value(i) for i in range(3)] == [b"x", b"", b"y"]


@pytest.mark.parametrize("kind", ["one", "constant", "small", "float"])
def test_some_weights_are_read_as_all_of_them(kind):
    n = 200
    weights = {
        "one": [1.0] * n,
        "constant": [2.0] * n,
        "small": [float(1 + i % 7) for i in range(n)],
        "float": [0.5 + i for i in range(n)],
    }[kind]
    data = encode_postings(list(range(0, 3 * n, 3)), weights, [b""] * n)
    idx = np.array([0, 17, 128, 199])
    assert Postings.from_bytes(data).weights_at(idx).tolist() == [weights[i] for i in idx]


def test_a_single_posting():
    p = Postings.from_bytes(encode_postings([123_456], [4.0], [b"pos"]))
    assert (p.ids.tolist(), p.weights.tolist(), p.value(0)) == ([123_456], [4.0], b"pos")


@pytest.mark.parametrize("seed", range(20))
def test_short_lists_are_encoded_as_numpy_encodes_them(monkeypatch, seed):
    import random

    import search.engine.postings as postings

    rng = random.Random(seed)
    n = rng.choice([1, 2, 5, 48])
    step = rng.choice([1, 200, 70_000, 5_000_000])
    ids = sorted(rng.sample(range(step * n * 2 + 1), n))
    weights = rng.choice(
        [
            [1.0] * n,
            [3.0] * n,
            [float(rng.randint(1, 255)) for _ in range(n)],
            [0.5] * (n - 1) + [2.0],
        ]
    )
    values = [bytes(rng.randrange(256) for _ in range(rng.randint(0, 6))) for _ in range(n)]
    fast = postings.encode_postings(ids, weights, values)
    monkeypatch.setattr(postings, "_SMALL_LIST", 0)
    assert fast == postings.encode_postings(ids, weights, values)
    p = Postings.from_bytes(fast)
    assert p.ids.tolist() == ids
    assert p.weights.tolist() == [float(w) for w in weights]


def test_a_few_documents_are_found_in_a_long_list_block_by_block():
    import random

    rng = random.Random(7)
    ids = sorted(rng.sample(range(2_000_000), 20_000))
    p = Postings.from_bytes(encode_postings(ids, [1.0] * len(ids), [b""] * len(ids)))
    probe = sorted({*rng.sample(ids, 40), *rng.sample(range(2_000_000), 40), ids[0], ids[-1]})
    found, at = p.find(np.array(probe, dtype=np.int64))
    assert p._ids is None  # only blocks were read
    expected = [(i, ids.index(d)) for i, d in enumerate(probe) if d in set(ids)]
    assert list(zip(found.tolist(), at.tolist(), strict=True)) == expected
    assert p.index(ids[12_345]) == 12_345
    assert p.index(ids[12_345] + 1) in (None, 12_346)


@pytest.mark.parametrize("count", [2_000, 2_048, 2_049, 5_000])
def test_documents_are_found_in_every_block_the_last_one_included(count):
    rng = random.Random(count)
    ids = sorted(rng.sample(range(10 * count), count))
    p = Postings.from_bytes(encode_postings(ids, [1.0] * count, [b""] * count))
    probe = sorted({*rng.sample(range(10 * count + 5), 9), ids[0], ids[-1], ids[-2]})
    found, at = p.find(np.array(probe, dtype=np.int64))
    assert p._ids is None  # block by block
    expected = [(i, ids.index(d)) for i, d in enumerate(probe) if d in set(ids)]
    assert list(zip(found.tolist(), at.tolist(), strict=True)) == expected
    assert [p.index(d) for d in probe] == [ids.index(d) if d in ids else None for d in probe]


def test_a_few_documents_are_found_one_by_one():
    ids = list(range(0, 60_000, 3))
    p = Postings.from_bytes(encode_postings(ids, [1.0] * len(ids), [b""] * len(ids)))
    found, at = p.find(np.array([0, 4, 2_997, 59_997, 70_000], dtype=np.int64))
    assert (found.tolist(), at.tolist()) == ([0, 2, 3], [0, 999, 19_999])
    assert p._ids is None


def _random_list(rng, n: int, values: str = "bytes") -> tuple[list, list, list]:
    """A posting list; its values any ``bytes``, ``positions`` as unsearch packs
    them (as many as the weight), or none (``""``)."""
    from search.engine.postings import pack_positions

    ids = sorted(rng.sample(range(n * 5), n))
    weights = [float(rng.randint(1, 4)) for _ in range(n)]
    if values == "positions":
        vals = [pack_positions(sorted(rng.sample(range(500), int(w)))) for w in weights]
    else:
        vals = [
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 5))) if values else b""
            for _ in range(n)
        ]
    return ids, weights, vals


@pytest.mark.parametrize("weights", ["ones", "constant", "small"])
@pytest.mark.parametrize("n", [1, 32, 33, 48, 49, 64, 65, 129, 1_000])
def test_the_weights_say_where_positions_start(weights, n):
    from search.engine.postings import pack_positions

    rng = random.Random(n)
    counts = {"ones": [1] * n, "constant": [3] * n, "small": [rng.randint(1, 9) for _ in range(n)]}
    ids = list(range(7, 7 + 3 * n, 3))
    values = [pack_positions(sorted(rng.sample(range(70), k))) for k in counts[weights]]
    data = encode_postings(ids, [float(k) for k in counts[weights]], values)
    with_ends = encode_postings(ids, [float(k) for k in counts[weights]], [*values[:-1], b"x"])
    # no table of where each value ends; where the weights vary, a sum of them
    # every SUMS postings instead
    blocks = (n - 1) // SUMS if weights == "small" else 0
    assert len(with_ends) - len(data) == 4 * n + 1 - len(values[-1]) - 4 * blocks
    p = Postings.from_bytes(data)
    assert [p.value(i) for i in range(n)] == values
    assert p.values([n - 1, 0]) == [values[-1], values[0]]


@pytest.mark.parametrize("layout", ["bytes", "positions", "mixed"])
@pytest.mark.parametrize(
    "sizes", [(200, 1, 300), (1, 1), (128, 128, 5), (300,), (2, 700), (20, 20)]
)
def test_posting_lists_of_several_segments_merge_into_one(sizes, layout):
    from search.engine.postings import merge_postings

    rng = random.Random(sum(sizes))
    parts, expected, base = [], ([], [], []), 0
    for k, n in enumerate(sizes):
        kind = layout if layout != "mixed" else ("positions", "bytes")[k % 2]
        ids, weights, values = _random_list(rng, n, kind)
        base += 1 + rng.randrange(1_000)
        parts.append((encode_postings(ids, weights, values), base))
        for column, got in zip(expected, ([base + i for i in ids], weights, values), strict=True):
            column.extend(got)
        base += ids[-1] + 1
    merged = Postings.from_bytes(merge_postings(parts))
    assert merged.ids.tolist() == expected[0]
    assert merged.weights.tolist() == expected[1]
    assert [merged.value(i) for i in range(merged.count)] == expected[2]
    probe = sorted(rng.sample(expected[0], min(5, len(expected[0]))))
    fresh = Postings.from_bytes(merge_postings(parts))  # skip entries, not the whole list
    assert [fresh.index(d) for d in probe] == [expected[0].index(d) for d in probe]
    # merged again, a merged list included: the first part comes after it
    again = Postings.from_bytes(merge_postings([(merge_postings(parts), 0), (parts[0][0], base)]))
    first = Postings.from_bytes(parts[0][0])
    assert again.ids.tolist() == expected[0] + (first.ids + base).tolist()
    values = [first.value(i) for i in range(first.count)]
    assert [again.value(i) for i in range(again.count)] == expected[2] + values


def _varied_list(rng) -> bytes:
    """A posting list of any of the shapes unsearch writes: positions with weights
    of one, constant, small or large, positions past 65,535, or other values."""
    from search.engine.postings import pack_positions

    n = rng.choice([1, 2, 31, 32, 33, 48, 49, 128, 129, 300])
    ids = sorted(rng.sample(range(n * rng.choice([1, 5, 300, 70_000])), n))
    shape = rng.choice(["ones", "constant", "small", "small", "large", "wide", "bytes"])
    if shape == "bytes":
        return encode_postings(ids, [1.0] * n, [bytes(rng.randrange(256)) for _ in range(n)])
    constant = rng.choice([2, 300])
    draw = {
        "ones": lambda: 1,
        "constant": lambda: constant,
        "small": lambda: rng.randint(1, 9),
        "large": lambda: rng.choice([1, 300]),
        "wide": lambda: rng.randint(1, 3),
    }[shape]
    weights = [draw() for _ in range(n)]
    top = 70_000 if shape == "wide" else 60_000
    values = [pack_positions(sorted(rng.sample(range(top), w))) for w in weights]
    return encode_postings(ids, [float(w) for w in weights], values)


@pytest.mark.parametrize("batch", [1, 100, 1 << 20])
@pytest.mark.parametrize("seed", range(8))
def test_many_terms_merged_at_once_are_what_merge_postings_gives(seed, batch, monkeypatch):
    import numpy as np

    from search.engine import postings as module

    monkeypatch.setattr(module, "_BATCH_POSTINGS", batch)
    rng = random.Random(seed)
    terms = []
    for _ in range(40):
        parts, base = [], 0
        for _ in range(rng.randint(1, 5)):
            base += rng.randint(1, 1_000)
            data = _varied_list(rng)
            parts.append((data, base))
            base += int(Postings.from_bytes(data).ids[-1]) + 1
        terms.append(parts)
    places = [(t, k) for t, parts in enumerate(terms) for k in range(len(parts))]
    layout = rng.sample(places, len(places))  # a term's parts anywhere in the buffer
    at, blob = {}, b""
    for t, k in layout:
        at[t, k] = len(blob)
        blob += terms[t][k][0]
    merged = module.merge_position_lists(
        np.frombuffer(blob, dtype=np.uint8),
        [at[place] for place in places],
        [len(terms[t][k][0]) for t, k in places],
        [terms[t][k][1] for t, k in places],
        np.cumsum([0] + [len(parts) for parts in terms]),
    )
    assert len(merged) == len(terms)
    for got, parts in zip(merged, terms, strict=True):
        assert got is None or got == module.merge_postings(parts)
    assert sum(got is not None for got in merged) >= 5  # the lists of positions


@pytest.mark.parametrize("value", [b"xy", b"xyz"])  # lengths the weights give, or not
def test_a_list_without_positions_merges_with_one_with_positions(value):
    from search.engine.postings import merge_postings

    a = encode_postings([1, 2], [1.0, 1.0], [b"", b""])
    b = encode_postings([0], [1.0], [value])
    merged = Postings.from_bytes(merge_postings([(a, 0), (b, 10)]))
    assert merged.ids.tolist() == [1, 2, 10]
    assert [merged.value(i) for i in range(3)] == [b"", b"", value]


def test_postings_of_an_unknown_format_are_a_clear_error():
    data = b"UNP0" + encode_postings([1, 2], [1.0, 1.0], [b"", b""])[4:]
    with pytest.raises(search.IndexFormatError, match="another version of unsearch"):
        Postings.from_bytes(data)


@pytest.mark.parametrize(
    "phrase", ['"coopération triangulaire"~1', '"the Secretary-General to submit"']
)
def test_a_negated_phrase_runs_on_whoosh_matchers(ix, phrase):
    # Whoosh asks the phrase's matcher to replace itself once it can skip ahead
    assert len(ix.search(f"-{phrase}", limit=5)) == 5


def test_a_negation_excludes_a_first_match_that_the_excluded_word_precedes(tmp_path, whoosh_only):
    # the excluded word's list starts before the first paragraph with "nuclear":
    # Whoosh's AndNotMatcher compared only the two lists' first ids and kept P2
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text(
        "Conventional weapons are reported on every year.\n\n"
        "Nuclear weapons must never be used again.\n\n"
        "Nuclear energy serves peaceful purposes.\n",
        encoding="utf-8",
    )
    search.ingest([folder], tmp_path / "index")
    with search.open_index(tmp_path / "index") as index:
        assert [h.paragraph for h in index.search("nuclear -weapons")] == ["P3"]
        assert [h.paragraph for h in whoosh_only(index, "nuclear -weapons")] == ["P3"]
        assert [h.paragraph for h in whoosh_only(index, "nuclear NOT (weapons OR arms)")] == ["P3"]
