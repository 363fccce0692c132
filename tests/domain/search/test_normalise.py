from hypothesis import given
from hypothesis import strategies as st

from comptoir.domain.search.normalise import (
    MAX_TERMS,
    fold_plural,
    query_terms,
    strip_accents,
)


def test_it_strips_accents_and_capitals():
    assert strip_accents("Éclair Crème Brûlée Œuf") == "eclair creme brulee oeuf"


def test_it_folds_french_plurals_on_words_longer_than_three_letters():
    assert [
        fold_plural(w) for w in ["eclairs", "choux", "croissants", "pois", "jus", "gateaux"]
    ] == [
        "eclair",
        "chou",
        "croissant",
        "poi",
        "jus",
        "gateau",
    ]


def test_it_drops_stop_words_from_a_query():
    assert query_terms("Pain au choco") == ("pain", "choco")
    assert query_terms("tarte aux pommes et des poires") == ("tarte", "pomme", "poire")


def test_it_drops_single_letters_left_by_apostrophes():
    assert query_terms("l'éclair d'Isigny") == ("eclair", "isigny")


def test_it_keeps_stop_words_when_the_query_has_nothing_else():
    assert query_terms("Le") == ("le",)
    assert query_terms("de la") == ("de", "la")


def test_it_keeps_only_letters_and_digits():
    assert query_terms('"NEAR(pain* AND :choco & !brioche\'s)"') == (
        "near",
        "pain",
        "and",
        "choco",
        "brioche",
    )


def test_it_returns_no_term_for_blank_or_punctuation_only_queries():
    assert query_terms("") == ()
    assert query_terms("   \t ") == ()
    assert query_terms("\"*:&!'() -") == ()


def test_it_counts_a_repeated_term_once_and_keeps_at_most_eight():
    assert query_terms("pain pains PAIN") == ("pain",)
    assert len(query_terms(" ".join(f"mot{i}" for i in range(20)))) == MAX_TERMS


@given(st.text(max_size=300))
def test_it_always_returns_short_alphanumeric_terms(query):
    terms = query_terms(query)
    assert len(terms) <= MAX_TERMS
    assert all(
        term and term.isascii() and term.isalnum() and term == term.lower() for term in terms
    )
