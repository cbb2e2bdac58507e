"""Search on the database in use: FTS5 on SQLite, tsvector on PostgreSQL. The same tests run
on both, and both must give the scores the reference BM25 in `analysis` computes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.knowledge import analysis, engines
from kefu.knowledge.models import Article, KnowledgeCategory, SearchStats, SearchTerm, Synonym
from kefu.knowledge.queries import (
    IndexVocabulary,
    article_search,
    search_suggestions,
    vocabulary_prepare,
)
from kefu.knowledge.services import (
    article_act,
    article_create,
    article_update,
    search_index_rebuild,
)

pytestmark = pytest.mark.django_db

ARTICLES = {
    "prepaid": (
        "智能电表缴费后仍未恢复供电的处理",
        "客户缴费成功后，电表一般在30分钟内自动复电。如仍未恢复供电，请核实缴费户号，"
        "指导客户在电表上查看余额，必要时派发复电工单。",
        ["复电", "预付费"],
        "faq",
    ),
    "hall": (
        "营业厅营业时间",
        "市区营业厅工作日 8:30–17:30 营业，周六上午营业，法定节假日休息。",
        ["营业厅", "营业时间"],
        "faq",
    ),
    "modem": (
        "光调制解调器红灯闪烁的排查",
        "光调制解调器的LOS灯红色闪烁表示光信号中断，请客户检查尾纤是否松动，"
        "重启后仍亮红灯的，派发装维工单。",
        ["光猫", "宽带"],
        "procedure",
    ),
    "router": (
        "路由器指示灯不亮的处理",
        "路由器电源灯不亮时先检查电源适配器和插座，再更换电源线。",
        ["路由器", "宽带"],
        "faq",
    ),
    "bill": (
        "电费账单的查询渠道",
        "客户可通过网上国网App、95598网站或营业厅查询电费账单和缴费记录。",
        ["电费", "账单"],
        "faq",
    ),
    "tiered": (
        "居民阶梯电价标准",
        "江苏居民阶梯电价第一档年用电量2760千瓦时以内，电价0.5283元。电费按档计算。",
        ["阶梯电价", "电费"],
        "script",
    ),
    "outage": (
        "计划停电的查询与通知",
        "计划停电提前7天公告，客户可在网上国网App查询停电范围和复电时间。",
        ["停电", "计划停电"],
        "notice",
    ),
}


@pytest.fixture
def editors(make_user: Callable[..., User]) -> tuple[User, User]:
    return make_user("editor", username="editor-li"), make_user("editor", username="editor-wang")


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user("agent", username="agent-zhao")


def publish(article: Article, author: User, reviewer: User) -> Article:
    article = article_act(
        actor=author, article_id=article.pk, action="submit", version=article.version
    )
    return article_act(
        actor=reviewer, article_id=article.pk, action="approve", version=article.version
    )


@pytest.fixture
def library(editors: tuple[User, User], centre: OrgUnit) -> dict[str, Article]:
    author, reviewer = editors
    Synonym.objects.create(centre=centre, words="光猫, 光调制解调器, ONU")
    Synonym.objects.create(centre=centre, words="没电，停电、断电、恢复供电")
    Synonym.objects.create(centre=centre, words="关门 营业时间 下班")
    Synonym.objects.create(centre=centre, words="充钱, 缴费, 交电费, 充值")
    KnowledgeCategory.objects.create(centre=centre, code="power", name="供电")
    articles = {}
    for key, (title, body, tags, kind) in ARTICLES.items():
        article = article_create(actor=author, title=title, body=body, kind=kind, tags=tags)
        articles[key] = publish(article, author, reviewer)
    return articles


def first(agent: User, text: str, **filters: object) -> str | None:
    hits = article_search(agent, text, **filters)  # type: ignore[arg-type]
    return hits[0].title if hits else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("充了钱还是没电", "prepaid"),
        ("路由器灯不亮了", "router"),
        ("营业厅几点关门", "hall"),
        ("光猫一直亮红灯", "modem"),
        ("ONU红灯", "modem"),
        ("电费", "bill"),
        ("光猫", "modem"),
        ("阶梯电价多少钱", "tiered"),
        ("电废账单", "bill"),  # a typed homophone: 废 for 费
        ("明天停电吗", "outage"),
    ],
)
def test_callers_words_find_the_right_article_first(
    library: dict[str, Article], agent: User, query: str, expected: str
) -> None:
    assert first(agent, query) == ARTICLES[expected][0]


def test_scores_are_bm25_as_the_reference_computes_it(
    library: dict[str, Article], agent: User
) -> None:
    """Whichever engine runs, each hit's score is the reference BM25 of its groups."""
    stats = SearchStats.objects.get()
    documents = {
        a.pk: analysis.Document.of(title=a.title, tags=a.tags, body=a.body)
        for a in Article.objects.all()
    }
    assert stats.documents == len(documents)
    assert stats.terms == sum(d.length for d in documents.values())
    frequency = Counter(t for d in documents.values() for t in set(d.title + d.tags + d.body))
    assert dict(SearchTerm.objects.filter(documents__gt=0).values_list("term", "documents")) == (
        dict(frequency)
    )
    for query in ["宽带 红灯", "电费 账单 缴费", "停电"]:
        hits = article_search(agent, query)
        assert hits
        groups = analysis.query_groups(
            query,
            synonyms=vocabulary_prepare(agent.centre_id),
            vocabulary=IndexVocabulary().as_analysis(),
        )
        for hit in hits:
            expected = analysis.group_bm25(
                frequencies=documents[hit.article.pk].weighted_frequencies(),
                length=documents[hit.article.pk].length,
                groups=groups,
                document_frequency=frequency,
                documents=stats.documents,
                average_length=stats.terms / stats.documents,
            )
            assert hit.score == pytest.approx(expected, rel=1e-9)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_articles_matching_every_word_come_before_those_matching_some(
    library: dict[str, Article], agent: User
) -> None:
    hits = article_search(agent, "宽带光猫红灯")
    assert hits[0].title == ARTICLES["modem"][0]
    assert ARTICLES["router"][0] in [h.title for h in hits[1:]]


def test_snippets_mark_the_words_and_escape_the_rest(
    library: dict[str, Article], agent: User, editors: tuple[User, User]
) -> None:
    hit = article_search(agent, "光猫红灯")[0]
    assert "<mark>红灯</mark>" in hit.snippet or "<mark>红色</mark>" in hit.snippet
    author, reviewer = editors
    article = article_create(
        actor=author, title="脚本注入测试", body="<script>alert(1)</script> 缴费须知", kind="faq"
    )
    publish(article, author, reviewer)
    hit = article_search(agent, "缴费须知")[0]
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


def test_agents_find_only_live_current_articles_for_their_role(
    library: dict[str, Article], agent: User, editors: tuple[User, User]
) -> None:
    author, reviewer = editors
    article_create(actor=author, title="草稿：电费新规", body="电费新规草稿", kind="faq")
    today = timezone.localdate()
    expired = article_create(
        actor=author, title="过期：电费优惠", body="电费优惠活动", kind="notice",
        expires_at=today - timedelta(days=1),
    )  # fmt: skip
    publish(expired, author, reviewer)
    backoffice_only = article_create(
        actor=author, title="后台：电费退费流程", body="电费退费审批", kind="procedure",
        roles=["backoffice"],
    )  # fmt: skip
    publish(backoffice_only, author, reviewer)
    seen = {h.title for h in article_search(agent, "电费")}
    assert ARTICLES["bill"][0] in seen
    assert not seen & {"草稿：电费新规", "过期：电费优惠", "后台：电费退费流程"}
    assert "草稿：电费新规" in {h.title for h in article_search(author, "电费新规")}


def test_a_new_draft_leaves_the_live_text_searchable(
    library: dict[str, Article], agent: User, editors: tuple[User, User]
) -> None:
    author, _ = editors
    hall = library["hall"]
    article_update(actor=author, article_id=hall.pk, version=hall.version, title="网点开放时间")
    assert first(agent, "营业厅几点关门") == ARTICLES["hall"][0]


def test_filters_by_kind_and_category(
    library: dict[str, Article], agent: User, editors: tuple[User, User]
) -> None:
    assert first(agent, "电费", kind="script") == ARTICLES["tiered"][0]
    author, _ = editors
    tiered = library["tiered"]
    article_update(actor=author, article_id=tiered.pk, version=tiered.version, category="power")
    # Classification takes effect at once; only the text waits for review.
    assert first(agent, "电费", category="power") == ARTICLES["tiered"][0]
    assert first(agent, "电费", category="power", kind="faq") is None


def test_unknown_words_and_empty_queries_find_nothing_without_error(
    library: dict[str, Article], agent: User
) -> None:
    assert article_search(agent, "") == []
    assert article_search(agent, "的了吗") == []
    assert article_search(agent, "xyzzy 区块链") == []
    assert first(agent, "xyzzy 营业厅") == ARTICLES["hall"][0]


def test_suggestions_offer_titles_and_terms(library: dict[str, Article], agent: User) -> None:
    suggestions = search_suggestions(agent, "电费")
    assert "电费" in suggestions and ARTICLES["bill"][0] in suggestions
    assert search_suggestions(agent, "  ") == []


def test_rebuild_gives_the_same_index(library: dict[str, Article], agent: User) -> None:
    before = [(h.title, round(h.score, 9)) for h in article_search(agent, "电费 缴费")]
    terms = dict(SearchTerm.objects.values_list("term", "documents"))
    assert search_index_rebuild() == len(library)
    assert dict(SearchTerm.objects.values_list("term", "documents")) == terms
    assert [(h.title, round(h.score, 9)) for h in article_search(agent, "电费 缴费")] == before
    assert engines.current().frequencies([library["hall"].pk])


def test_articles_that_name_the_words_come_before_those_that_only_mention_them(
    library: dict[str, Article], agent: User, editors: tuple[User, User]
) -> None:
    author, reviewer = editors
    mention = article_create(
        actor=author,
        title="欠费停电后的复电流程",
        body="滞纳金：逾期加收滞纳金，滞纳金按日计，滞纳金、滞纳金、滞纳金、滞纳金、滞纳金。",
        kind="procedure",
    )
    publish(mention, author, reviewer)
    named = article_create(
        actor=author,
        title="违约金的计算口径",
        body="按欠费金额每日千分之一计算。",
        kind="script",
        questions=["电费滞纳金怎么算"],
    )
    publish(named, author, reviewer)
    # The body that says 滞纳金 eight times scores higher on the whole text, yet the
    # article whose ways of asking name it answers the caller.
    hits = article_search(agent, "滞纳金")
    assert [hit.article.pk for hit in hits] == [named.pk, mention.pk]
    # The names hold title, ways of asking and tags, never the body.
    visible = Article.objects.filter(pk__in=[a.pk for a in library.values()] + [named.pk])
    groups = [analysis.Group("尾纤", ["尾纤"]), analysis.Group("宽带", ["宽带"])]
    assert engines.current().named(visible, [(groups[0],)], 10) == []
    found = engines.current().named(visible, [(groups[1],)], 10)
    assert [pk for pk, _ in found] == sorted([library["modem"].pk, library["router"].pk])[::-1]
    assert all("宽带" in document.tags and not document.body for _, document in found)
    assert first(agent, "尾纤") == ARTICLES["modem"][0]  # the whole text still answers
