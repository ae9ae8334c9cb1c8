"""Writing the index: Whoosh's segment writer, made cheaper for unsearch's terms."""

from __future__ import annotations

from whoosh import fields
from whoosh.writing import SegmentWriter


class _SegmentLengths:
    """Field lengths of a segment being written, read once per field.

    Whoosh's segment writer asks the on-disk length column for every posting it
    writes (a seek and read each time; a file lookup each time for unscored
    fields); with pair and word terms that is most of an ingest's commit.
    """

    def __init__(self, reader, schema: fields.Schema) -> None:
        self._reader = reader
        self._schema = schema
        self._count = reader.doc_count_all()
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            if self._schema[fieldname].scorable:
                read = self._reader.doc_field_length
                lengths = [read(d, fieldname, default) for d in range(self._count)]
            else:
                lengths = [default] * self._count
            self._lengths[fieldname] = lengths
        return lengths[docnum]

    def close(self) -> None:
        self._reader.close()


class IndexWriter(SegmentWriter):
    """Whoosh's segment writer, with field lengths cached while postings are written."""

    def _flush_segment(self) -> None:
        # same steps as SegmentWriter._flush_segment (whoosh-reloaded 2.7.x)
        self.perdocwriter.close()
        lengths = None
        if self.codec.length_stats:
            lengths = _SegmentLengths(self.per_document_reader(), self.schema)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()
