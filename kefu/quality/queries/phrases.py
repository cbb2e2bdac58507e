"""Reads of the standard phrases (issue 18 point 6): a centre's version in use, its draft
and history, the library grouped by situation, what the workbench shows an agent on a day,
and the words the forbidden-phrase check looks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import MANAGE_PHRASES, VIEW_PHRASES
from kefu.quality.models import Phrase, PhraseBook, PhraseKind, PhraseSituation, VersionState
from kefu.quality.phrasebook import (
    FESTIVAL_DAYS_BEFORE,
    PhraseSpec,
    festival_greetings,
    forbidden_words,
    holidays_near,
    kinds_for_situation,
)
from kefu.workforce.queries import china_calendar


def may_read_phrases(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_PHRASES)


def may_edit_phrases(user: User) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_PHRASES)


def phrase_book_in_use(centre_id: int | None) -> PhraseBook | None:
    return (
        PhraseBook.objects.select_related("published_by")
        .filter(centre_id=centre_id, state=VersionState.PUBLISHED)
        .first()
    )


def phrase_book_draft(centre_id: int | None) -> PhraseBook | None:
    return PhraseBook.objects.filter(centre_id=centre_id, state=VersionState.DRAFT).first()


def phrase_books_of(user: User) -> list[PhraseBook]:
    """The versions of the user's centre they may read, newest first, each with its
    `size`: a draft only for who may edit it."""
    books = PhraseBook.objects.filter(centre_id=user.centre_id)
    if not may_edit_phrases(user):
        books = books.exclude(state=VersionState.DRAFT)
    return list(
        books.select_related("published_by").annotate(size=Count("phrases")).order_by("-number")
    )


def phrase_book_get_for_user(user: User, number: int | None) -> PhraseBook | None:
    """A version of the user's centre (`number`; the one in use when None). A draft is
    seen only by who may edit it; another centre's version is not there for them."""
    if not may_read_phrases(user):
        raise Forbidden()
    if number is None:
        return phrase_book_in_use(user.centre_id)
    book = (
        PhraseBook.objects.select_related("published_by")
        .filter(centre_id=user.centre_id, number=number)
        .first()
    )
    if book is None or (book.state == VersionState.DRAFT and not may_edit_phrases(user)):
        raise NotFound(code="phrase_book_not_found")
    return book


@dataclass
class SituationPhrases:
    situation: str
    label: str
    say: list[Phrase] = field(default_factory=list)
    never: list[Phrase] = field(default_factory=list)
    #: The kinds of order that bring this situation (space-separated, for the page).
    kinds: str = ""


def by_situation(book: PhraseBook | None) -> list[SituationPhrases]:
    """A version's phrases under each situation, in the order of a call (situations
    without phrases left out)."""
    return _grouped(list(book.phrases.order_by("position", "id")) if book else [])


def _grouped(phrases: list[Phrase]) -> list[SituationPhrases]:
    groups = {
        value: SituationPhrases(value, str(label), kinds=" ".join(kinds_for_situation(value)))
        for value, label in PhraseSituation.choices
    }
    for phrase in phrases:
        group = groups[phrase.situation]
        (group.say if phrase.kind == PhraseKind.RECOMMENDED else group.never).append(phrase)
    return [group for group in groups.values() if group.say or group.never]


def spec_of(phrase: Phrase) -> PhraseSpec:
    return PhraseSpec(
        situation=phrase.situation,
        kind=phrase.kind,
        text=phrase.text,
        when=phrase.when,
        checked=phrase.checked,
        exceptions=phrase.exceptions,
        holiday=phrase.holiday,
        source=phrase.source,
    )


def book_phrases(book: PhraseBook) -> list[PhraseSpec]:
    """A version's phrases, in order (a new draft starts from them; the editor shows
    them)."""
    return [spec_of(row) for row in book.phrases.order_by("position", "id")]


@dataclass
class CallPhrases:
    """The workbench's panel: each situation's phrases, and the festival greetings in
    season on the day (with the holidays they are for)."""

    situations: list[SituationPhrases]
    festival: list[PhraseSpec]
    holidays: list[str]


def phrases_for_call(centre_id: int | None, today: dt.date) -> CallPhrases:
    """What the workbench shows an agent of `centre_id` on `today` (the version in use,
    read in one query)."""
    phrases = list(
        Phrase.objects.filter(
            book__centre_id=centre_id, book__state=VersionState.PUBLISHED
        ).order_by("position", "id")
    )
    ahead = china_calendar(today, today + dt.timedelta(days=FESTIVAL_DAYS_BEFORE))
    near = holidays_near(today, ahead.holidays)
    festival = festival_greetings(
        [spec_of(p) for p in phrases if p.situation == PhraseSituation.FESTIVAL], near
    )
    situations = [
        group for group in _grouped(phrases) if group.situation != PhraseSituation.FESTIVAL
    ]
    return CallPhrases(situations, festival, near)


def library_words(centre_id: int) -> tuple[int | None, list[str], list[str]]:
    """The version in use (its id, None without one) and the checked phrases never to say
    with their exceptions: what the forbidden-phrase check looks for."""
    book = phrase_book_in_use(centre_id)
    if book is None:
        return None, [], []
    rows = book.phrases.filter(kind=PhraseKind.FORBIDDEN, checked=True).order_by("position", "id")
    words, exceptions = forbidden_words(spec_of(row) for row in rows)
    return book.pk, words, exceptions
