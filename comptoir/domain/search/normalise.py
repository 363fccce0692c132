"""Turn what a customer types into search terms, the same way on every database.

Both backends see the same terms: lower-case, accents stripped ("Éclair" →
"eclair"), a simple French plural folding ("éclairs" → "eclair", "choux" →
"chou"), split on anything that is not a letter or a digit, French stop words
dropped. Every term is then matched as a prefix, so a word being typed
("choco") already finds "chocolat", and a folded plural ("croissant") still
finds the plural written in a product name ("Croissants").

Only letters and digits survive, so no term can carry search-engine syntax
(quotes, `*`, `NEAR(`, `:`, `&`, `!`…) to the database.
"""

from __future__ import annotations

import re
import unicodedata

# A query longer than this is cut: nobody types more on a phone, and the
# database work grows with the number of terms.
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8

# Short words that carry no meaning in a product search ("pain au chocolat").
STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une"}
)

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Ligatures that NFKD leaves alone but French writes in product names.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def strip_accents(text: str) -> str:
    """Lower-case `text` without its accents: "Crème Brûlée" → "creme brulee"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_plural(word: str) -> str:
    """Drop a French plural mark from words longer than three letters: "choux" → "chou"."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def query_terms(query: str) -> tuple[str, ...]:
    """The prefix terms of a query: "Pains au Chocolat !" → ("pain", "chocolat").

    Stop words and single letters are dropped unless the query has nothing else ("le" stays "le").
    Repeated terms count once; at most `MAX_TERMS` are kept.
    """
    words = [w for w in _NON_WORD.split(strip_accents(query[:MAX_QUERY_LENGTH])) if w]
    # Single letters are stop words too: "l'éclair", "brioche's", "d'Isigny".
    meaningful = [w for w in words if len(w) > 1 and w not in STOP_WORDS] or words
    terms: list[str] = []
    for word in meaningful:
        term = fold_plural(word)
        if term not in terms:
            terms.append(term)
    return tuple(terms[:MAX_TERMS])
