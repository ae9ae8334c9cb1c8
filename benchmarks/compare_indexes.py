"""Compare what two indexes hold: every term with its postings, and every paragraph's
stored fields and lengths; print the first difference.

Documents are matched by their stored ``id`` (``symbol|lang#paragraph``), not by
document number, so that indexes written in other segments (another number of
ingest processes) compare equal when they hold the same things.  A posting is its
paragraph, weight and value (the positions); a term's postings are compared as a
whole, with its document frequency and total weight.

    .venv/bin/python benchmarks/compare_indexes.py INDEX_A INDEX_B

Exits 0 when the two hold the same, 1 at the first difference.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from search.index import open_stored


def contents(index_dir: Path) -> tuple[dict, dict, dict, dict]:
    """``(postings, stored, lengths, infos)`` of an index: a digest of each ``(field,
    term)``'s postings with a readable summary, the stored fields of each paragraph,
    its length in each scored field, and each term's statistics in each segment
    (total weight, document frequency, shortest and longest length, greatest weight)."""
    ix = open_stored(index_dir)
    rows_of: dict[tuple[str, bytes], list] = {}
    infos: dict[tuple[str, bytes], list] = {}
    stored: dict[str, dict] = {}
    lengths: dict[tuple[str, str], int] = {}
    with ix.reader() as reader:
        leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        scored = [name for name, field in ix.schema.items() if field.scorable]
        for leaf, _base in leaves:
            ids = {}
            for docnum in range(leaf.doc_count_all()):
                if leaf.is_deleted(docnum):
                    continue
                fields = leaf.stored_fields(docnum)
                ids[docnum] = key = fields["id"]
                stored[key] = fields
                for name in scored:
                    n = leaf.doc_field_length(docnum, name, 0)
                    if n:
                        lengths[(key, name)] = n
            for fieldname, tbytes in leaf.all_terms():
                ti = leaf.term_info(fieldname, tbytes)
                stats = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length())
                infos.setdefault((fieldname, tbytes), []).append((*stats, ti.max_weight()))
                m = leaf.postings(fieldname, tbytes)
                rows = rows_of.setdefault((fieldname, tbytes), [])
                while m.is_active():
                    docnum = m.id()
                    if docnum in ids:
                        rows.append((ids[docnum], m.weight(), m.value() or b""))
                    m.next()
    postings = {}
    for key, rows in rows_of.items():
        if not rows:
            continue
        rows.sort()
        digest = hashlib.sha1(repr(rows).encode()).hexdigest()
        weight = sum(w for _, w, _ in rows)
        postings[key] = (digest, f"{len(rows)} postings, weight {weight}, first {rows[:3]}")
    return postings, stored, lengths, infos


def first_difference(a: dict, b: dict, what: str) -> str | None:
    """The first key (in order) whose value differs between ``a`` and ``b``, described."""
    for key in sorted(a.keys() | b.keys(), key=repr):
        if a.get(key) != b.get(key):
            return f"{what} {key!r}:\n  A: {a.get(key)!r}\n  B: {b.get(key)!r}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="an index folder")
    parser.add_argument("b", type=Path, help="another index folder")
    args = parser.parse_args(argv)
    pa, sa, la, ia = contents(args.a)
    pb, sb, lb, ib = contents(args.b)
    print(
        f"A: {len(pa):,} terms, {len(sa):,} paragraphs; B: {len(pb):,} terms, {len(sb):,} paragraphs"
    )
    checks = [(pa, pb, "term"), (sa, sb, "stored fields of"), (la, lb, "length of")]
    if all(len(i) == 1 for i in (*ia.values(), *ib.values())):  # one segment each
        checks.append((ia, ib, "statistics of term"))
    for a, b, what in checks:
        found = first_difference(a, b, what)
        if found:
            print(f"first difference: {found}")
            return 1
    print("no difference: same terms, postings, stored fields and lengths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
