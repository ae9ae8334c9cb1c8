"""unsearch: full-text search over United Nations documents, paragraph by paragraph."""
