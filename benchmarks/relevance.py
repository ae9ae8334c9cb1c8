"""Relevance of search and of similar on the resolutions: known-item search for pasted
words, and drafts looking for their previous session's version.

* Known items: 5-word spans copied from operative paragraphs of the index (a fixed
  random sample), typed as people type them: lower case, without accents, and in
  half of those that have one, a plural typed in the singular (``States`` →
  ``State``).  A hit is right when its paragraph holds the span verbatim (its
  analysed words in a row, stop words included); MRR@10 over the set, and the share
  ranked first.
* Drafts: operative paragraphs of sessions 79 and 80 that history pairs with a
  version in the previous session, used as drafts with ``--filter session:N-1``;
  right when the first hit is at least as close to the draft as that version.

    .venv/bin/python benchmarks/relevance.py [--index DIR] [--items 300] [--drafts 200]

Without ``--index``, the resolutions (fr, en-md, en-txt) and the UDHR are ingested
into ``benchmarks/work/similar-resolutions/index`` (once; reused after).
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from harness import log, resolutions_index

import search
from search.analysis import TOKEN_PATTERN, chain_name, fold
from search.history import _pair, _series_documents
from search.wording import similarity, wording

SEED = 12


def known_items(ix, n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """``(query, symbol, label)`` for ``n`` spans of operative paragraphs."""
    s = ix.searcher()
    from whoosh import query as wq

    docnums = sorted(s.docs_for_query(wq.Term("kind", "op")))
    out = []
    while len(out) < n:
        f = s.stored_fields(rng.choice(docnums))
        words = TOKEN_PATTERN.findall(f["text"])
        if len(words) < 12:
            continue
        start = rng.randrange(len(words) - 5)
        span = [fold(w.lower()) for w in words[start : start + 5]]
        plurals = [i for i, w in enumerate(span) if re.fullmatch(r"[a-z]{3,}[^aeiouys]s", w)]
        if plurals and rng.random() < 0.5:
            i = rng.choice(plurals)
            span[i] = span[i][:-1]
        out.append((" ".join(span), f["symbol"], f["paragraph"], f["lang"]))
    return out


def holds(text: str, query: str, chain: str) -> bool:
    """Whether ``text`` has the query's analysed words in a row, stop words included."""
    want = wording(query, chain).keys
    have = wording(text, chain).keys
    n = len(want)
    return any(have[i : i + n] == want for i in range(len(have) - n + 1))


def mrr_known_items(ix, items) -> dict:
    total = 0.0
    first = 0
    for query, _symbol, _label, lang in items:
        chain = chain_name(lang)
        try:
            hits = ix.search(query, limit=10)
        except search.QueryError:
            continue
        for rank, hit in enumerate(hits, start=1):
            if holds(hit.text, query, chain_name(hit.lang)) and chain_name(hit.lang) == chain:
                total += 1 / rank
                first += rank == 1
                break
    return {"mrr": total / len(items), "first": first / len(items), "n": len(items)}


def drafts(ix, n: int, rng: random.Random) -> list[tuple[str, int, str]]:
    """``(draft, session, predecessor text)`` for operative paragraphs of sessions 79
    and 80 paired with a version in the previous session."""
    from whoosh import query as wq

    s = ix.searcher()
    symbols = sorted(
        {
            s.stored_fields(d)["symbol"]
            for d in s.docs_for_query(
                wq.And([wq.Term("kind", "title"), wq.TermRange("session", "079", "080")])
            )
        }
    )
    pool = []
    for symbol in symbols:
        docs = _series_documents(ix, symbol)
        i = next(k for k, d in enumerate(docs) if d[0].symbol == symbol)
        if not i or docs[i - 1][0].session != docs[i][0].session - 1:
            continue
        pairing = _pair(ix, docs[i - 1], docs[i])
        old = {p.paragraph: p for p in docs[i - 1]}
        for p in docs[i]:
            if p.kind == "op" and p.paragraph in pairing.old:
                pool.append((p.text, p.session, old[pairing.old[p.paragraph][0]].text, p.lang))
    rng.shuffle(pool)
    return pool[:n]


def top1_drafts(ix, cases) -> dict:
    good = amended = good_amended = 0
    for text, session, previous, lang in cases:
        chain = chain_name(lang)
        hits = ix.similar(text, limit=1, filter=f"session:{session - 1}")
        target = similarity(wording(text, chain), wording(previous, chain))
        ok = bool(hits) and hits[0].similarity >= target
        good += ok
        if previous != text:
            amended += 1
            good_amended += ok
    return {
        "top1": good / len(cases),
        "n": len(cases),
        "amended": amended,
        "top1_amended": good_amended / max(amended, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an index of the resolutions")
    parser.add_argument("--items", type=int, default=300, help="known-item queries")
    parser.add_argument("--drafts", type=int, default=200, help="drafts")
    args = parser.parse_args(argv)
    index_dir = args.index or resolutions_index()
    with search.open_index(index_dir) as ix:
        t0 = time.perf_counter()
        items = known_items(ix, args.items, random.Random(SEED))
        known = mrr_known_items(ix, items)
        log(f"known items done in {time.perf_counter() - t0:.1f} s")
        cases = drafts(ix, args.drafts, random.Random(SEED)) if args.drafts else []
        found = top1_drafts(ix, cases) if cases else None
    print(
        f"known-item search, {known['n']} five-word spans: MRR@10 {known['mrr']:.3f}, "
        f"first {known['first']:.1%}"
    )
    if found:
        print(
            f"similar, {found['n']} drafts ({found['amended']} amended): first hit at least as "
            f"close as the previous session's version {found['top1']:.1%} "
            f"(amended: {found['top1_amended']:.1%})"
        )


if __name__ == "__main__":
    main()
