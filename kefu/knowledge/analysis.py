"""How knowledge text becomes search terms, how a caller's words become a query, and how
matches are scored. Pure: the engines store and match terms, this module decides them.

Text is segmented with jieba in its search mode, so a compound is indexed whole and by
its parts (路由器 gives 路由器 and 路由): a two-character query finds the longer words.
A query is a list of *groups*, one per concept the caller said; a group's terms are the
word, its synonyms and, for a word the index has never seen, what it was probably meant
to be (same pinyin: 电废 → 电费). Matching asks for every group first and relaxes one
group at a time, so articles that cover more of what the caller said come first and a
stray word never empties the result.

The engines pick candidates by Okapi BM25 as SQLite's FTS5 computes `bm25()`, with
column weights (PostgreSQL computes the same in SQL); `group_bm25` here orders them, with
each group of the query counting as one term.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

import jieba

# The segmenter's dictionary, the stop words and the normal form are shared with the
# work-order search (kefu/core/fulltext.py), so both read Chinese alike.
from kefu.core.fulltext import ALNUM as _ALNUM
from kefu.core.fulltext import MAX_TERM_LENGTH, STOPWORDS, normalize
from kefu.core.fulltext import dictionary as _jieba_dictionary
from kefu.knowledge.rendering import render_markdown

# FTS5's constants: the PostgreSQL engine uses the same ones so both rank alike.
K1 = 1.2
B = 0.75
# A word in the title counts five times a word in the body, a tag three times.
WEIGHTS = {"title": 5, "tags": 3, "body": 1}
# At most this many groups take part in matching; beyond that a query is a paragraph and
# its commonest words add nothing but work.
MAX_GROUPS = 6
# A group of the centre's own words (taxonomy, tags, synonyms) says what the call is about;
# the caller's other words (一天, 哪儿, 上个月) only where it happened.
CENTRE_WEIGHT = 2.0
# A group held by more than this share of the articles is matched last (`match_levels`).
COMMON_SHARE = 0.2


_ASPECT_LE = re.compile(r"(?<=[\u4e00-\u9fff])了(?![解结])")
# The A-not-A question (停不停电, 收不收费, 有没有): the verb once, as a statement says it.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


@dataclass
class _Taught:
    tokenizer: jieba.Tokenizer
    words: set[str]  # what the segmenter was taught, kept whole
    # The taught words and their pieces (电费 of 电费查询): what a misheard word may be
    # read again as.
    centre_words: set[str]


def _untaught() -> _Taught:
    dictionary = _jieba_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(dictionary.FREQ)
    tokenizer.total = dictionary.total
    tokenizer.initialized = True
    return _Taught(tokenizer, set(), set())


_taught: _Taught | None = None
_teaching = threading.Lock()


def _current() -> _Taught:
    global _taught
    if _taught is None:
        with _teaching:
            if _taught is None:
                _taught = _untaught()
    return _taught


def _teach(taught: _Taught, words: Iterable[str]) -> None:
    for word in words:
        word = normalize(word).strip()
        if len(word) >= 2 and word not in taught.words and _ALNUM.fullmatch(word):
            tokenizer = taught.tokenizer
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000))
            taught.words.add(word)
            taught.centre_words.add(word)
            pieces = _jieba_dictionary().cut_for_search(word)
            taught.centre_words.update(p for p in pieces if len(p) >= 2)


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter more of the centre's words (taxonomy, tags, synonyms) so they
    are kept whole: 光猫 stays one term instead of 光 and 猫."""
    taught = _current()
    with _teaching:
        _teach(taught, words)


def use_words(words: Iterable[str]) -> None:
    """The centre's words, all of them: what was taught before is forgotten."""
    global _taught
    taught = _untaught()
    _teach(taught, words)
    with _teaching:
        _taught = taught


def _pieces(text: str, *, search_mode: bool) -> list[str]:
    tokenizer = _current().tokenizer
    words = (
        tokenizer.cut_for_search(normalize(text)) if search_mode else tokenizer.cut(normalize(text))
    )
    return [piece for word in words for piece in _ALNUM.findall(word)]


def terms(text: str) -> list[str]:
    """The terms of a text as the index stores them, in order, stop words left out."""
    return [
        term
        for term in _pieces(text, search_mode=True)
        if term not in STOPWORDS and len(term) <= MAX_TERM_LENGTH
    ]


@dataclass(frozen=True)
class Document:
    """An article as the index sees it: its terms per column."""

    title: list[str]
    tags: list[str]
    body: list[str]

    @classmethod
    def of(
        cls, *, title: str, tags: Sequence[str], body: str, questions: Sequence[str] = ()
    ) -> Document:
        """The ways callers ask (相似问法) are names of the article as much as its title
        is, so their terms join the title's."""
        named = [t for text in (title, *questions) for t in terms(text)]
        return cls(named, [t for tag in tags for t in terms(tag)], terms(body))

    @property
    def length(self) -> int:
        return len(self.title) + len(self.tags) + len(self.body)

    def weighted_frequencies(self) -> dict[str, int]:
        """Each term's occurrences with the column weights applied, as FTS5's bm25() counts
        them: five per title occurrence, three per tag, one per body word."""
        counts: Counter[str] = Counter()
        for column in ("title", "tags", "body"):
            for term in getattr(self, column):
                counts[term] += WEIGHTS[column]
        return dict(counts)


@lru_cache(maxsize=65536)
def pinyin_key(term: str) -> str:
    """The term as typed on a pinyin keyboard without tones: the key that finds what a
    caller meant when the input method picked the wrong characters."""
    # Imported here, as kefu/contacts/imports/catalogue.py does: pypinyin loads its
    # dictionaries on import, which every `kefu` command would pay at start-up.
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(term))


@dataclass(frozen=True)
class Vocabulary:
    """What the index knows: how many articles hold each term, and terms by pinyin."""

    document_frequency: Callable[[Sequence[str]], Mapping[str, int]]
    # pinyin keys → the terms with that key, commonest first
    same_pinyin: Callable[[Sequence[str]], Mapping[str, Sequence[str]]]


@dataclass
class Group:
    """One concept of the query: any of its terms satisfies it."""

    said: str
    terms: list[str] = field(default_factory=list)
    frequency: int = 0  # articles holding any of its terms, at most; orders relaxation
    # The terms that are only pieces of a long word said (路由 of 路由器), not the word or
    # one of its synonyms: they stand for it, but are no rarer than themselves.
    parts: list[str] = field(default_factory=list)
    centre: bool = False  # one of its terms is the centre's own word (CENTRE_WEIGHT)


def synonym_index(groups: Iterable[Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """word → every word of its synonym group (itself included), normalized."""
    index: dict[str, tuple[str, ...]] = {}
    for group in groups:
        words = tuple(dict.fromkeys(normalize(word).strip() for word in group if word.strip()))
        for word in words:
            index[word] = words
    return index


# A space between Latin letters or digits is part of a phrase (5G WiFi, WiFi 6), not a
# separator.
_LIST_SEPARATOR = re.compile(r"\s*[,，、;；]\s*|(?<![0-9a-zA-Z\s])\s+|\s+(?![0-9a-zA-Z\s])")


def split_words(text: str) -> list[str]:
    """Words an editor typed as a list (synonyms, tags), separated by commas, 、 or spaces;
    duplicates dropped."""
    words = _LIST_SEPARATOR.split(text)
    return list(dict.fromkeys(word.strip() for word in words if word.strip()))


def query_groups(
    text: str, *, synonyms: Mapping[str, Sequence[str]], vocabulary: Vocabulary
) -> list[Group]:
    """The caller's words as groups of index terms, rarest concept first. What the index
    has never seen is read again as what sounds the same (电废 → 电费, 老调线 → 掉线);
    a lone character with no meaning of its own, or a word nothing stands for, is dropped,
    so it cannot empty the result."""
    # 了 only marks time, yet splits words apart: 充了钱 is 充钱, 交了电费 is 交电费. The
    # A-not-A question does the same: 停不停电 asks about 停电.
    text = _A_NOT_A.sub(r"\1", _ASPECT_LE.sub("", normalize(text)))
    said = [word for word in _pieces(text, search_mode=False) if word not in STOPWORDS]
    said = _misheard(said, synonyms, vocabulary)
    if len(said) > 1:
        said = [word for word in said if len(word) > 1 or word in synonyms] or said
    candidates: dict[str, tuple[list[str], list[str]]] = {}
    for word in dict.fromkeys(said):
        whole = list(dict.fromkeys([word, *synonyms.get(word, ())]))
        # A long word's own parts stand for it too: 路由器 is also 路由.
        parts = [t for t in terms(word) if t not in whole] if len(word) >= 3 else []
        candidates[word] = (whole, parts)
    known = dict(
        vocabulary.document_frequency(
            sorted({t for whole, parts in candidates.values() for t in whole + parts})
        )
    )
    centre_words = _current().centre_words
    groups: list[Group] = []
    taken: set[str] = set()  # a term counts once, in the first group that has it
    for word, (whole, parts) in candidates.items():
        present = [t for t in whole + parts if known.get(t, 0) > 0 and t not in taken]
        if present:
            taken.update(present)
            frequency = sum(known[t] for t in present)
            centre = any(t in centre_words for t in present if t not in parts)
            groups.append(
                Group(word, present, frequency, [t for t in present if t in parts], centre)
            )
    groups.sort(key=lambda group: group.frequency)
    return groups[:MAX_GROUPS]


def _misheard(
    words: list[str], synonyms: Mapping[str, Sequence[str]], vocabulary: Vocabulary
) -> list[str]:
    """Read again what the index does not know. Around each unknown word or stray single
    character, a run of two to four characters (reaching into its neighbours) that the
    index or the synonym table knows, or that sounds like a term the index knows, takes
    its place: 没 电 → 没电, 宽代 → 宽带, 流量 暴 → 流量包, 老调 线 → 掉线."""
    known = vocabulary.document_frequency(words)

    def solid(word: str) -> bool:
        return len(word) > 1 and (known.get(word, 0) > 0 or word in synonyms)

    text = "".join(words)
    bounds = list(itertools.accumulate(len(word) for word in words))
    starts = [end - len(word) for word, end in zip(words, bounds, strict=True)]
    centre_words = _current().centre_words
    # The centre's own words are taken whole or not at all: 订 包月 is not 订包 月.
    kept = [
        (start, end)
        for word, start, end in zip(words, starts, bounds, strict=True)
        if solid(word) and word in centre_words
    ]
    windows: dict[tuple[int, int], str] = {}
    for index, word in enumerate(words):
        if solid(word):
            continue
        low = starts[index - 1] if index > 0 else 0
        high = bounds[index + 1] if index + 1 < len(words) else len(text)
        for a in range(low, high):
            for b in range(a + 2, min(high, a + 4) + 1):
                cuts = any(s < a < e or s < b < e for s, e in kept)
                if a < bounds[index] and b > starts[index] and not cuts:
                    windows[(a, b)] = text[a:b]
    if not windows:
        return words
    as_known = vocabulary.document_frequency(sorted(set(windows.values())))
    heard = vocabulary.same_pinyin(sorted({pinyin_key(w) for w in windows.values()}))
    readings: dict[tuple[int, int], str] = {}
    for span, window in windows.items():
        if as_known.get(window, 0) > 0 or window in synonyms:
            readings[span] = window
        else:
            # Only into the centre's own words: in a large base nearly every syllable pair
            # is some rare word (灭茬, 好旺), and those are never what a caller meant.
            meant = [t for t in heard.get(pinyin_key(window), ()) if t in centre_words]
            if meant:
                readings[span] = meant[0]
    # Longest readings first, then the ones the index knows as written; no overlaps.
    chosen: list[tuple[int, int]] = []
    for span in sorted(readings, key=lambda s: (s[0] - s[1], readings[s] != windows[s], s)):
        if all(span[1] <= a or b <= span[0] for a, b in chosen):
            chosen.append(span)
    if not chosen:
        return words
    covered = {i for a, b in chosen for i in range(a, b)}
    result: list[str] = []
    for word, start in zip(words, starts, strict=True):
        for a, b in sorted(chosen):
            if start <= a < start + len(word):
                result.append(readings[(a, b)])
        rest = "".join(ch for i, ch in enumerate(word, start) if i not in covered)
        if rest:
            result.append(rest)
    return result


def match_levels(groups: Sequence[Group], *, documents: int) -> list[list[tuple[Group, ...]]]:
    """The relaxation ladder: all groups, then any all-but-one, down to any single one.
    Each level is a list of alternatives, each alternative the groups it requires.

    A group that more than COMMON_SHARE of the articles hold (不要, 处理 in a large base)
    says little about the answer, as in the common-terms query of Lucene's engines: the
    ladder climbs down the rarer groups first, and the common ones only score what those
    found, sparing their long posting lists. Their own ladder comes last, for what the
    rarer groups could not fill."""
    rare = [group for group in groups if group.frequency <= COMMON_SHARE * documents]
    common = [group for group in groups if group not in rare]
    return [
        list(itertools.combinations(part, size))
        for part in (rare, common)
        for size in range(len(part), 0, -1)
    ]


@dataclass(frozen=True)
class Step:
    """One step of matching: the alternatives it asks for, and whether of the articles'
    names only (title with the ways callers ask, and tags) or of their whole text."""

    alternatives: list[tuple[Group, ...]]
    names_only: bool


def match_steps(groups: Sequence[Group], *, documents: int) -> list[Step]:
    """The whole ladder asked of the names, then of the whole text: an article that names
    what the caller said answers it better than one that mentions it in passing, and in a
    large base some body holds almost any handful of words."""
    levels = match_levels(groups, documents=documents)
    return [Step(level, names_only) for names_only in (True, False) for level in levels]


def query_terms(groups: Sequence[Group]) -> list[str]:
    return list(dict.fromkeys(term for group in groups for term in group.terms))


def level_terms(level: Sequence[Sequence[Group]]) -> list[str]:
    """The terms a step of the ladder matches on: those of every group it asks for."""
    return query_terms([group for alternative in level for group in alternative])


def idf(*, documents: int, frequency: int) -> float:
    """FTS5's inverse document frequency, floored the way it floors it."""
    value = math.log((documents - frequency + 0.5) / (frequency + 0.5))
    return value if value > 0 else 1e-6


def group_bm25(
    *,
    frequencies: Mapping[str, float],
    length: int,
    groups: Sequence[Group],
    document_frequency: Mapping[str, int],
    documents: int,
    average_length: float,
) -> float:
    """The score that orders the answers: BM25 with each group of the query as one term,
    its occurrences the sum of its members' and its rarity that of its commonest word or
    synonym. An article that says the same thing in four synonyms is not four times as
    relevant. One that holds only parts of the word said (充电 of 电瓶车充电) is only as
    rare as the rarest part it holds. A group of the centre's words counts CENTRE_WEIGHT
    times."""
    norm = K1 * (1 - B + B * length / average_length)
    score = 0.0
    for group in groups:
        f = sum(frequencies.get(term, 0) for term in group.terms)
        if f:
            whole = [term for term in group.terms if term not in group.parts]
            if any(frequencies.get(term, 0) for term in whole):
                frequency = max(document_frequency.get(term, 0) for term in whole)
            else:
                frequency = min(
                    document_frequency.get(term, 0) for term in group.parts if frequencies.get(term)
                )
            weight = CENTRE_WEIGHT if group.centre else 1.0
            rarity = idf(documents=documents, frequency=frequency)
            score += weight * rarity * f * (K1 + 1) / (f + norm)
    return score


# --- snippets ---------------------------------------------------------------------------

# Where a rendered article's text breaks: blocks, list items and table cells stay apart.
_BREAKS = frozenset(
    {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th",
     "blockquote", "pre", "table", "ul", "ol"}
)  # fmt: skip


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")
        elif tag == "img":  # an image reads as its alternative text
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(markdown_text: str) -> str:
    """The text a reader reads of an article: its Markdown rendered and sanitised as on
    the article's page, then without the markup (no `|`, `---` of a table, no `###`)."""
    parser = _TextOf()
    parser.feed(render_markdown(markdown_text))
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def snippet(text: str, words: Sequence[str], *, width: int = 80) -> str:
    """The passage of `text` that holds the most query words, with each one marked; HTML
    escaped except for the marks."""
    text = plain_text(text)
    folded = normalize(text)
    words = sorted({normalize(w) for w in words if w}, key=len, reverse=True)
    # Whole terms are marked: a lone character (电 of 电费, 的) only when nothing longer
    # was asked, else every 电 in the passage would light up.
    if any(len(word) > 1 for word in words):
        words = [word for word in words if len(word) > 1]
    spans: list[tuple[int, int]] = []
    for word in words:
        for found in re.finditer(re.escape(word), folded):
            span = found.span()
            if not any(s < span[1] and span[0] < e for s, e in spans):
                spans.append(span)
    spans.sort()
    if not spans:
        start = 0
    else:
        best = max(
            range(len(spans)),
            key=lambda i: sum(1 for s, _ in spans[i:] if s < spans[i][0] + width),
        )
        start = max(0, spans[best][0] - width // 4)
    end = min(len(text), start + width)
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [escape(text[cursor:s]), "<mark>", escape(text[s:e]), "</mark>"]
        cursor = e
    out += [escape(text[cursor:end]), "…" if end < len(text) else ""]
    return "".join(out)
