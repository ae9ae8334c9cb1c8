"""The engine: the only code of unsearch that knows Whoosh's internals.

The rest of unsearch builds Whoosh queries (:mod:`search.query`), a schema and
analysers (:mod:`search.index`, :mod:`search.analysis`), and calls these modules
for everything below them:

* :mod:`.postings` -- the byte format of a posting list, numpy only;
* :mod:`.codec` -- Whoosh's codec writing and reading those lists in its segment
  files, the term dictionary looked up directly, segment files read through
  their memory map, the postings format of text fields;
* :mod:`.writing` -- the segment writer an ingest adds documents with;
* :mod:`.storage` -- opening, creating and locking an index folder;
* :mod:`.scoring` -- BM25F over paragraph lengths kept in memory;
* :mod:`.phrases` -- the one exact-phrase test, for matching and highlighting;
* :mod:`.matching` -- a query's best documents, vectorised, or on Whoosh's
  matchers where the query needs them;
* :mod:`.startup` -- imported by every module here that imports Whoosh, before
  Whoosh: Whoosh without the modules a search does not need.
"""
