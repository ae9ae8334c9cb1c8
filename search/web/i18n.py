"""The interface's words in English and French, and the choice between them.

The language comes from ``?ui=fr`` (which the page's switch links set, and which a
cookie then remembers), else from the browser's ``Accept-Language``, else English.
"""

from __future__ import annotations

UI_LANGUAGES = ("en", "fr")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to results",
        "tagline": "United Nations documents, paragraph by paragraph",
        "search": "Search",
        "query_label": "Words, phrases or a symbol",
        "query_placeholder": 'e.g. "South-South cooperation" kind:op',
        "filters": "Filters",
        "language": "Language",
        "any_language": "All languages",
        "kind": "Paragraph kind",
        "any_kind": "All paragraphs",
        "session": "Session",
        "session_hint": "58, or 78..80",
        "year_from": "From year",
        "year_to": "To year",
        "help": "Query syntax",
        "help_all": "every word must match, in any order",
        "help_phrase": "exact phrase; ~N allows N extra words",
        "help_or": "either word",
        "help_not": "without this word",
        "help_group": "grouping; a prefix",
        "help_filters": "filters: symbol, session, year or range, language, kind",
        "help_symbol": "a document by its symbol, or the paragraphs citing it",
        "help_accents": "Accents, case, elision and plurals are ignored.",
        "results": "Results",
        "n_hits": "{n} paragraphs",
        "one_hit": "1 paragraph",
        "no_hits": "No paragraph matches",
        "partial": "The search took too long: these are the best hits found so far.",
        "copy_citation": "Copy citation",
        "copied": "Copied",
        "open": "Open in the document",
        "chapeau": "Chapeau",
        "session_n": "session {n}",
        "document": "Document",
        "read_in": "Read in",
        "side_by_side": "Side by side with",
        "single": "One language",
        "paragraph_link": "Link to this paragraph",
        "adopted": "Adopted",
        "meeting": "Meeting",
        "committee": "Committee",
        "agenda_item": "Agenda item",
        "report": "Report",
        "back": "Back to the search",
        "error": "Error",
        "not_found": "Not found",
        "bad_request": "This request cannot be answered",
        "interface": "Interface language",
        "api": "JSON API",
        "kind_op": "operative",
        "kind_pp": "preambular",
        "kind_fn": "footnote",
        "kind_annex": "annex",
        "kind_title": "title",
        "kind_heading": "heading",
        "kind_article": "article",
        "kind_text": "text",
        "nav_search": "Search",
        "twins_in": "Also in",
        "nav_similar": "Find precedents",
        "similar_title": "Find precedents for a draft",
        "similar_intro": "Paste a draft paragraph: the closest adopted paragraphs come first, with the words that differ.",
        "draft_label": "Draft paragraph",
        "draft_file": "Or a draft file (.docx, .md, .txt, .html, .pdf): each of its paragraphs",
        "find": "Find precedents",
        "similarity": "similarity",
        "no_similar": "No adopted paragraph is close to this draft.",
        "diff_removed": "the draft's words that the paragraph lacks",
        "diff_added": "the paragraph's own words",
        "version_removed": "words of the previous version",
        "version_added": "words new in this version",
        "draft_paragraph": "Draft paragraph {n}",
        "series": "Series across sessions",
        "series_intro": "Each row is a paragraph followed from session to session; each column a resolution of the series.",
        "versions": "Versions of {label}",
        "status_unchanged": "unchanged",
        "status_amended": "amended",
        "status_new": "new",
        "status_dropped": "dropped",
        "series_counts": "{paragraphs} paragraphs: {unchanged} unchanged, {amended} amended, {new} new, {dropped} dropped",
        "paragraph": "Paragraph",
    },
    "fr": {
        "skip": "Aller aux résultats",
        "tagline": "Les documents des Nations Unies, paragraphe par paragraphe",
        "search": "Rechercher",
        "query_label": "Mots, expressions ou une cote",
        "query_placeholder": "ex. « coopération Sud-Sud » kind:op",
        "filters": "Filtres",
        "language": "Langue",
        "any_language": "Toutes les langues",
        "kind": "Type de paragraphe",
        "any_kind": "Tous les paragraphes",
        "session": "Session",
        "session_hint": "58, ou 78..80",
        "year_from": "De l'année",
        "year_to": "À l'année",
        "help": "Syntaxe des requêtes",
        "help_all": "tous les mots, dans n'importe quel ordre",
        "help_phrase": "expression exacte ; ~N admet N mots de plus",
        "help_or": "l'un ou l'autre mot",
        "help_not": "sans ce mot",
        "help_group": "regroupement ; un préfixe",
        "help_filters": "filtres : cote, session, année ou période, langue, type",
        "help_symbol": "un document par sa cote, ou les paragraphes qui le citent",
        "help_accents": "Accents, majuscules, élisions et pluriels sont ignorés.",
        "results": "Résultats",
        "n_hits": "{n} paragraphes",
        "one_hit": "1 paragraphe",
        "no_hits": "Aucun paragraphe ne correspond à",
        "partial": "La recherche a été trop longue : voici les meilleurs résultats trouvés.",
        "copy_citation": "Copier la référence",
        "copied": "Copié",
        "open": "Ouvrir dans le document",
        "chapeau": "Chapeau",
        "session_n": "{n}e session",
        "document": "Document",
        "read_in": "Lire en",
        "side_by_side": "En regard de",
        "single": "Une seule langue",
        "paragraph_link": "Lien vers ce paragraphe",
        "adopted": "Adoptée le",
        "meeting": "Séance",
        "committee": "Commission",
        "agenda_item": "Point de l'ordre du jour",
        "report": "Rapport",
        "back": "Retour à la recherche",
        "error": "Erreur",
        "not_found": "Introuvable",
        "bad_request": "Cette demande ne peut pas aboutir",
        "interface": "Langue de l'interface",
        "api": "API JSON",
        "kind_op": "dispositif",
        "kind_pp": "préambule",
        "kind_fn": "note",
        "kind_annex": "annexe",
        "kind_title": "titre",
        "kind_heading": "intertitre",
        "kind_article": "article",
        "kind_text": "texte",
        "nav_search": "Recherche",
        "twins_in": "Aussi en",
        "nav_similar": "Trouver des précédents",
        "similar_title": "Trouver des précédents à un projet",
        "similar_intro": "Collez un paragraphe de projet : les paragraphes adoptés les plus proches viennent en premier, avec les mots qui diffèrent.",
        "draft_label": "Paragraphe du projet",
        "draft_file": "Ou un fichier de projet (.docx, .md, .txt, .html, .pdf) : chacun de ses paragraphes",
        "find": "Trouver des précédents",
        "similarity": "similarité",
        "no_similar": "Aucun paragraphe adopté n'est proche de ce projet.",
        "diff_removed": "les mots du projet absents du paragraphe",
        "diff_added": "les mots propres au paragraphe",
        "version_removed": "mots de la version précédente",
        "version_added": "mots nouveaux dans cette version",
        "draft_paragraph": "Paragraphe {n} du projet",
        "series": "Série au fil des sessions",
        "series_intro": "Chaque ligne suit un paragraphe de session en session ; chaque colonne est une résolution de la série.",
        "versions": "Versions du paragraphe {label}",
        "status_unchanged": "inchangé",
        "status_amended": "modifié",
        "status_new": "nouveau",
        "status_dropped": "supprimé",
        "series_counts": "{paragraphs} paragraphes : {unchanged} inchangés, {amended} modifiés, {new} nouveaux, {dropped} supprimés",
        "paragraph": "Paragraphe",
    },
}

#: Names of document languages, in each interface language.
LANGUAGE_NAMES = {
    "en": {
        "fr": "French",
        "en": "English",
        "es": "Spanish",
        "ru": "Russian",
        "ar": "Arabic",
        "zh": "Chinese",
    },
    "fr": {
        "fr": "français",
        "en": "anglais",
        "es": "espagnol",
        "ru": "russe",
        "ar": "arabe",
        "zh": "chinois",
    },
}


def negotiate(accept_language: str | None) -> str:
    """The interface language best matching an ``Accept-Language`` header.

    >>> negotiate("fr-CH, fr;q=0.9, en;q=0.8")
    'fr'
    >>> negotiate("de-DE, en;q=0.5, fr;q=0.4")
    'en'
    >>> negotiate("de, fr;q=0.1")
    'fr'
    >>> negotiate("fr;q=0, en")
    'en'
    >>> negotiate(None)
    'en'
    """
    best, best_q = UI_LANGUAGES[0], 0.0
    for item in (accept_language or "").split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in UI_LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best
