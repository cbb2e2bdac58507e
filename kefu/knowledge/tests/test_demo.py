"""The demo knowledge bases load whole and once, and search them the same way on SQLite and
on PostgreSQL: these expectations run on both in CI."""

from __future__ import annotations

import pytest

from kefu.core.models import User
from kefu.demo import demo_load
from kefu.knowledge.demo import FILES, read
from kefu.knowledge.models import Article, ArticleVersion, SearchStats, Synonym
from kefu.knowledge.queries import article_search, articles_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> dict[str, User]:
    demo_load(customers=0, contacts=0, tickets=0)
    return {
        "power": User.objects.get(username="agent"),
        "telecom": User.objects.get(username="tel-agent"),
        "editor": User.objects.get(username="editor"),
    }


def test_both_knowledge_bases_load_with_their_history_once(demo: dict[str, User]) -> None:
    rows = [row for name in FILES for row in read(name)["articles"]]
    assert Article.objects.count() == len(rows) >= 300
    published = sum(1 for row in rows if row["state"] == "published")
    assert Article.objects.filter(live_version__isnull=False).count() == published
    assert ArticleVersion.objects.count() == sum(
        1 for row in rows if row["state"] in {"published", "expired", "withdrawn"}
    )
    assert SearchStats.objects.get().documents == len(rows)
    assert not Article.objects.filter(questions=[]).exists()  # every one says how it is asked
    assert Synonym.objects.filter(centre=demo["power"].centre).count() >= 100
    demo_load(customers=0, contacts=0, tickets=0)
    assert Article.objects.count() == len(rows)


def test_agents_read_only_what_is_live_current_and_theirs(demo: dict[str, User]) -> None:
    agent = demo["power"]
    visible = articles_visible_to(agent)
    assert not visible.exclude(state="published").exists()
    assert not visible.filter(roles__gt="").exclude(roles__contains=",agent,").exists()
    assert visible.count() < Article.objects.filter(centre=agent.centre).count()
    assert not articles_visible_to(demo["telecom"]).filter(centre=agent.centre).exists()


# What an agent types, and words the title of one of the first three answers must hold.
EXPECTED = [
    ("power", "充了钱还是没电", ["缴费后仍未"]),
    ("power", "营业厅几点关门", ["营业"]),
    ("power", "阶梯电价", ["阶梯"]),
    ("power", "电废怎么算", ["电费"]),
    ("telecom", "路由器灯不亮了", ["路由器"]),
    ("telecom", "光猫一直亮红灯", ["光猫"]),
    ("telecom", "宽带", ["宽带"]),
    ("telecom", "携号转网授权码", ["授权码"]),
]


def test_callers_words_find_an_article_about_them(demo: dict[str, User]) -> None:
    for reader, query, words in EXPECTED:
        titles = [hit.title for hit in article_search(demo[reader], query, limit=3)]
        assert any(all(word in title for word in words) for title in titles), (query, titles)
