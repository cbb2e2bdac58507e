"""Chinese text as full-text terms: the segmentation the knowledge base's search and the
work-order search share. Pure: the engines (SQLite FTS5, PostgreSQL tsvector) store and
match the terms; this module decides them.

jieba segments; in its search mode a compound is also indexed by its parts (电费查询 gives
电费查询, 电费 and 查询), so a shorter word finds the longer one. The dictionary here is
jieba's own, never taught: what it segments today it segments alike tomorrow, in every
process (the knowledge base teaches a copy of it the centre's words, kefu/knowledge/
analysis.py).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

import jieba

# Function words and the fillers callers use, which say nothing about the answer.
_STOPWORD_TEXT = """
    的 了 吗 呢 吧 啊 呀 哦 嘛 么 着 过 是 在 有 和 与 及 或 也 都 就 还 又 才 再 很 太 更
    我 你 他 她 它 您 我们 你们 他们 咱 咱们 自己 这 那 这个 那个 这里 那里 这样 那样 哪 哪个
    请问 请 问 一下 一个 怎么 怎么办 怎么样 怎样 如何 为什么 为啥 什么 啥 咋 咋办 能 能不能
    可以 可不可以 是不是 有没有 要 想 需要 应该 会 不会 还是 但是 可是 而且 然后 如果 因为
    所以 已经 一直 现在 刚才 刚刚 今天 昨天 到底 其实 就是 一些 有点 有些 这么 那么 多少
    之 其 被 把 给 让 从 对 向 于 为 以 等 等等 或者 以及 并 并且 则 但 而 即 如 若
    a an the is are to of and or in on for
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# A term is a run of letters and digits (Chinese characters are letters).
ALNUM = re.compile(r"[^\W_]+")
# Longer runs are serial numbers, links and the like: nobody searches them by the whole.
MAX_TERM_LENGTH = 32

logging.getLogger("jieba").setLevel(logging.WARNING)
jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def dictionary() -> jieba.Tokenizer:
    """jieba's own dictionary, never taught, loaded once per process at its first use."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width, capitals to small."""
    return unicodedata.normalize("NFKC", text).lower()


def _kept(term: str) -> bool:
    return term not in STOPWORDS and len(term) <= MAX_TERM_LENGTH


def index_terms(text: str) -> list[str]:
    """The terms of a text as an index stores them: jieba's search mode (a compound whole
    and by its parts), stop words left out."""
    words = dictionary().cut_for_search(normalize(text))
    return [term for word in words for term in ALNUM.findall(word) if _kept(term)]


def query_words(text: str) -> list[str]:
    """What someone searching typed, as whole words (jieba's default mode), once each,
    stop words left out."""
    words = dictionary().cut(normalize(text))
    return list(dict.fromkeys(t for word in words for t in ALNUM.findall(word) if _kept(t)))


def word_parts(word: str) -> list[str]:
    """The parts an index also holds of a word (电费 and 查询 of 电费查询), without the
    word itself; empty for a word jieba does not split."""
    return [term for term in dict.fromkeys(index_terms(word)) if term != word]
