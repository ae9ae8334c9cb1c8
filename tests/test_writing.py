"""The index writer builds text postings from token codes (search.engine.textbuffer):
the index must hold exactly what Whoosh's own analysis of each field gives."""

from __future__ import annotations

import random

import pytest

from search.engine.postings import (
    Postings,
    encode_position_lists,
    encode_postings,
    pack_positions,
)
from search.engine.writing import IndexWriter
from search.index import open_stored

FRENCH = [
    "L'Assemblée générale, rappelant sa résolution 57/263 sur la coopération Sud-Sud,",
    "de la et les",  # stop words only: no stop mark, no word
    "les Nations Unies et les États Membres de l'Organisation des Nations Unies",
    "Prie le Secrétaire général de lui présenter un rapport à sa quatre-vingtième session",
    "",
]
ENGLISH = [
    "the United Nations General Assembly, recalling the Charter of the United Nations",
    "Requests the Secretary-General to submit to the General Assembly a report",
    " ".join(["development"] * 300),  # a weight past 255: a list of float weights
    " ".join(f"word{i % 7} of the" for i in range(25_000)),  # positions past 65,535
    "States’ cooperation and the Secretary-General's report of the",
    # common stems 5 positions apart (no pair) and 4 apart (a pair)
    "United Nations and the of the General Assembly and the of Secretary-General",
]
CHINESE = ["联合国宪章 A/RES/58/220", "世界人权宣言"]  # CJK bigrams: several terms a position


def _documents(seed: int) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for i in range(60):
        fields = {"id": f"D{seed}#{i}", "doc": f"D{seed}|{i % 5}", "chain": "x"}
        fields["text_fr"] = " ".join(rng.sample(FRENCH, 2))
        fields["text_en"] = rng.choice(ENGLISH[:2] + ENGLISH[4:]) if i % 9 else ENGLISH[i % 4]
        if i % 7 == 0:
            fields["text_zh"] = rng.choice(CHINESE)
        docs.append(fields)
    return docs


def _contents(index_dir) -> dict:
    """Every term of the index: its postings (stored id, weight, value) and statistics."""
    out = {}
    with open_stored(index_dir).reader() as reader:
        leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        for leaf, _ in leaves:
            ids = {d: leaf.stored_fields(d)["id"] for d in range(leaf.doc_count_all())}
            lengths = {
                (ids[d], name): leaf.doc_field_length(d, name, 0)
                for d in ids
                for name in ("text_fr", "text_en", "text_zh")
            }
            out.setdefault("lengths", {}).update(lengths)
            for field, tbytes in leaf.all_terms():
                info = leaf.term_info(field, tbytes)
                m = leaf.postings(field, tbytes)
                rows = []
                while m.is_active():
                    rows.append((ids[m.id()], m.weight(), m.value()))
                    m.next()
                stats = (info.weight(), info.doc_frequency(), info.max_weight())
                lengths_ = (info.min_length(), info.max_length())
                got = out.setdefault((field, tbytes), [[], []])
                got[0] = sorted(got[0] + rows)
                got[1].append((stats, lengths_))
        out["segments"] = len(leaves)
    return out


def _write(index_dir, batches, monkeypatch, fast: bool, segment_mb: float | None = None):
    """Index ``batches`` of documents, a commit each, the documents analysed ahead
    as ingest's workers do."""
    if not fast:  # every field analysed by Whoosh's field, posting by posting
        monkeypatch.setattr(IndexWriter, "_token_codes", lambda self, name, field: None)
    ix = open_stored(index_dir, create=True)
    for batch in batches:
        writer = IndexWriter(ix, segment_mb=segment_mb)
        # analysed before a segment is written, added after it: coded again
        ready = [writer.prepare(**fields) for fields in batch]
        for prepared in ready:
            writer.add_prepared(prepared)
            writer.end_batch()
        writer.commit()
    monkeypatch.undo()
    return _contents(index_dir)


@pytest.mark.parametrize("segment_mb", [None, 0.05])
def test_token_codes_index_what_whoosh_analysis_indexes(tmp_path, monkeypatch, segment_mb):
    batches = [_documents(1)]
    fast = _write(tmp_path / "fast", batches, monkeypatch, True, segment_mb)
    slow = _write(tmp_path / "slow", batches, monkeypatch, False, segment_mb)
    assert fast.keys() == slow.keys()
    assert fast == slow  # postings, lengths and each term's statistics
    assert fast["segments"] == 1  # many small segments are merged at commit
    # the cases the paragraphs were written for are there
    assert any(b"\x01" in k[1] for k in fast if k != "lengths")  # pairs
    long_list = fast[("text_en", b"develop")][0]
    assert max(w for _, w, _ in long_list) == 300.0
    assert ("text_zh", "联合".encode()) in fast


def test_segments_merged_at_commit_hold_the_same(tmp_path, monkeypatch):
    # a commit a document, then a batch: Whoosh's policy merges the small segments
    # into the one being written, their postings coming back as bytes beside the
    # new documents' token codes
    batches = [[fields] for fields in _documents(1)[:6]] + [_documents(3)]
    fast = _write(tmp_path / "fast", batches, monkeypatch, True)
    slow = _write(tmp_path / "slow", batches, monkeypatch, False)
    assert fast == slow
    assert fast["segments"] < len(batches)


def test_encode_position_lists_gives_the_bytes_of_encode_postings():
    rng = random.Random(7)
    starts, docs, freqs, positions, expected = [0], [], [], [], []
    for _ in range(400):
        n = rng.choice([1, 2, 5, 40, 200, 1000])
        ids = sorted(rng.sample(range(70_000 if n > 100 else 300), n))
        weights, values = [], []
        for _ in ids:
            f = rng.choice([1, 1, 2, 3, 256]) if n < 1000 else 1
            spots = sorted(rng.sample(range(70_000 if f == 3 else 500), f))
            freqs.append(f)
            positions.extend(spots)
            weights.append(float(f))
            values.append(pack_positions(spots))
        docs += ids
        starts.append(len(docs))
        expected.append(encode_postings(ids, weights, values))
    got = encode_position_lists(starts, docs, freqs, positions)
    assert got == expected
    p = Postings.from_bytes(got[-1])
    assert p.count == starts[-1] - starts[-2]


@pytest.mark.parametrize("keys", [0, 1, 7, 3_000])
def test_term_files_hash_tables_are_the_bytes_whoosh_writes(keys):
    from io import BytesIO

    from whoosh.filedb.filetables import OrderedHashWriter
    from whoosh.filedb.structfile import StructFile

    from search.engine.codec import write_hash_tables

    class Kept(BytesIO):
        def close(self) -> None:
            self.kept = self.getvalue()

    def written(fast: bool) -> bytes:
        out = Kept()
        writer = OrderedHashWriter(StructFile(out))
        if fast:
            writer._write_hashes = lambda: write_hash_tables(writer)
        for n in range(keys):  # sorted keys; some share a bucket, some a slot
            writer.add(b"\x00\x01term%06d" % n, b"v" * (n % 5))
        writer.close()
        return out.kept

    assert written(fast=True) == written(fast=False)
