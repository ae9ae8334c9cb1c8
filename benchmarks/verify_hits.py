"""Check that speed changed no answer, on a benchmark index and its query list.

For every query of ``bench_resolutions.py`` and ``bench_scale.py``:

* the top hits of ``Index.search`` (vectorised engine) are those of the same
  search run on Whoosh's own matchers and collector: same paragraphs, same
  scores, same order;
* for every phrase query, the set of all paragraphs the engine matches is the
  set a plain positional scan finds: every stored paragraph analysed again and
  searched for the phrase's words in a row (``search.engine.phrases.token_spans``).

Prints a line per query and exits 1 on any difference.

    .venv/bin/python benchmarks/verify_hits.py --index DIR [--limit 10]
"""

from __future__ import annotations

import argparse
import sys
import time

import bench_resolutions
import bench_scale

import search
import search.engine.matching as matching_module
from search.analysis import chain_name
from search.engine.matching import Unsupported, top_documents
from search.engine.phrases import token_spans
from search.query import analyze, parse


def _whoosh_only(*args, **kwargs):
    raise Unsupported("verification: Whoosh's matchers")


def _keys(hits) -> list[tuple[str, str, float]]:
    return [(h.symbol, h.paragraph, h.score) for h in hits]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="the index folder")
    parser.add_argument("--limit", type=int, default=10, help="top hits compared")
    args = parser.parse_args(argv)
    texts = list(dict.fromkeys(q.text for q in bench_resolutions.QUERIES + bench_scale.QUERIES))
    ix = search.open_index(args.index)
    print(f"{len(ix):,} paragraphs in {args.index}")
    bad = 0
    engine = matching_module.top_documents
    for text in texts:
        t0 = time.perf_counter()
        fast = _keys(ix.search(text, limit=args.limit))
        t1 = time.perf_counter()
        matching_module.top_documents = _whoosh_only
        try:
            slow = _keys(ix.search(text, limit=args.limit))
        finally:
            matching_module.top_documents = engine
        t2 = time.perf_counter()
        same = fast == slow
        bad += not same
        print(
            f"{'same' if same else 'DIFFERENT'}  top {args.limit}: {len(fast)} hits, "
            f"engine {1000 * (t1 - t0):.0f} ms, Whoosh matchers {1000 * (t2 - t1):.0f} ms  {text}"
        )
    phrases = [t for t in texts if t.startswith('"') and t.endswith('"') and t.count('"') == 2]
    s = ix.searcher()
    found = {}
    for text in phrases:
        q = ix._compile(parse(text), text, None)
        ranked = top_documents(s, q, s.doc_count_all(), ix._lengths)
        found[text] = {docnum for _, docnum in ranked.top}
    print(f"plain scan of every paragraph for {len(phrases)} phrases …", flush=True)
    t0 = time.perf_counter()
    scanned: dict[str, set[int]] = {text: set() for text in phrases}
    wanted = {}
    reader = s.reader()
    for docnum in range(reader.doc_count_all()):
        if reader.is_deleted(docnum):
            continue
        stored = reader.stored_fields(docnum)
        chain = chain_name(stored["lang"])
        toks = None
        for text in phrases:
            terms = wanted.get((chain, text))
            if terms is None:
                terms = wanted[chain, text] = analyze(chain, text.strip('"'))
            if not terms:
                continue
            if toks is None:
                toks = analyze(chain, stored["text"])
            if token_spans(toks, terms):
                scanned[text].add(docnum)
    print(f"scanned in {time.perf_counter() - t0:.0f} s")
    for text in phrases:
        same = found[text] == scanned[text]
        bad += not same
        print(
            f"{'same' if same else 'DIFFERENT'}  all matches: engine {len(found[text]):,}, "
            f"plain scan {len(scanned[text]):,}  {text}"
        )
    print("no differences" if not bad else f"{bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
