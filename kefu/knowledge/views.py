"""Knowledge pages: search and reading for everyone, writing, review and the feedback queue
for editors, and the search panel the workbench and the work-order page embed. Thin:
reads through queries, every change through services."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.contacts.models import CallReason
from kefu.contacts.queries import call_reasons
from kefu.core.errors import DomainError, Forbidden, Invalid, NotFound
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.core.models import User
from kefu.core.roles import CHANGE_ARTICLE
from kefu.knowledge import queries, services
from kefu.knowledge.documents import BatchRefused, open_upload
from kefu.knowledge.forms import (
    ActForm,
    ArticleForm,
    FeedbackForm,
    ImportForm,
    PreviewForm,
    SearchForm,
    UseForm,
)
from kefu.knowledge.lifecycle import Action, State, actions_for
from kefu.knowledge.models import Article
from kefu.knowledge.rendering import diff_lines, render_markdown
from kefu.knowledge.services.imports import import_limits

ACTION_LABELS = {
    Action.SUBMIT: gettext_lazy("Submit for review"),
    Action.APPROVE: gettext_lazy("Approve and publish"),
    Action.REJECT: gettext_lazy("Send back"),
    Action.WITHDRAW: gettext_lazy("Take off the knowledge base"),
    Action.RECALL: gettext_lazy("Recall from review"),
}


class Outcome:
    done = False


@contextmanager
def told(
    request: HttpRequest, done: str = "", *, explain: tuple[type[DomainError], ...] = ()
) -> Iterator[Outcome]:
    """Run a change from a page: a refusal becomes a message on the page the user goes
    back to, success the `done` message. A missing object stays a 404 and a forbidden
    change a 403, unless `explain` names them as refusals this page explains."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as refused:
        if isinstance(refused, NotFound | Forbidden) and not isinstance(refused, explain):
            raise
        message = str(refused.message)
        if refused.code == "version_conflict":
            message = _(
                "Someone else changed this article in the meantime. "
                "This is how it stands now; check it and try again."
            )
        messages.error(request, message)
    else:
        outcome.done = True
        if done:
            messages.success(request, done)


@login_required
def knowledge_page(request: HttpRequest) -> HttpResponse:
    """Search for everyone; without a query, editors get the articles to manage and
    readers the ones used most."""
    user = request_user(request)
    form = SearchForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    hits, page, query = None, None, ""
    if valid and data["q"]:
        hits = queries.article_search(
            user, data["q"], kind=data["kind"] or None, category=data["category"] or None
        )
    elif valid:
        articles = queries.article_list(
            user,
            state=data["state"] or None,
            kind=data["kind"] or None,
            category=data["category"] or None,
            most_used=not user.has_perm(CHANGE_ARTICLE),
        )
        page, query = page_of(request, articles)
    return render(
        request,
        "knowledge/home.html",
        {
            "form": form,
            "hits": hits,
            "page": page,
            "query": query,
            "categories": queries.categories_of(user),
            "editor": user.has_perm(CHANGE_ARTICLE),
        },
        status=200 if valid else 400,
    )


@login_required
def search_panel(request: HttpRequest) -> HttpResponse:
    """The results alone, for the panels htmx refreshes as the agent types."""
    form = SearchForm(request.GET)
    hits = []
    if form.is_valid() and form.cleaned_data["q"]:
        hits = queries.article_search(request_user(request), form.cleaned_data["q"], limit=8)
    return render(
        request,
        "knowledge/partials/hits.html",
        {
            "hits": hits,
            "q": form.cleaned_data.get("q", ""),
            "use": _use_target(request),
            "panel": True,
        },
    )


def _use_target(request: HttpRequest) -> dict[str, str]:
    """What the article would be used for, when the panel sits beside a contact or an order."""
    return {key: request.GET[key] for key in ("contact", "ticket") if request.GET.get(key)}


@login_required
def suggest_options(request: HttpRequest) -> HttpResponse:
    words = queries.search_suggestions(request_user(request), request.GET.get("q", "")[:50])
    return render(request, "knowledge/partials/suggestions.html", {"words": words})


@login_required
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    return _article_response(request, article_id)


def _actions(user: User, article: Article) -> list[tuple[Action, Any]]:
    """The editorial actions this editor may take now, and only those: the writer of a
    change is not offered to approve it, and recalls it from review instead."""
    writer = user.pk in queries.article_writer_ids(article)
    labels = dict(ACTION_LABELS)
    if article.live_version_id is None:
        labels[Action.WITHDRAW] = gettext_lazy("Discard the draft")
    actions = actions_for(State(article.state), writer=writer)
    # Taking an article off (or discarding a draft) comes last, away from the usual step.
    actions.sort(key=lambda action: action == Action.WITHDRAW)
    return [(action, labels[action]) for action in actions]


def _article_response(
    request: HttpRequest, article_id: int, *, refused: str = "", status: int = 200
) -> HttpResponse:
    """The article's page; `refused` says beside the attach form why a file was not taken."""
    user = request_user(request)
    article = queries.article_get_for_user(user, article_id)
    editor = user.has_perm(CHANGE_ARTICLE)
    if status == 200:
        services.article_viewed(actor=user, article_id=article.pk)
    shown = queries.article_text_for(user, article)
    versions = list(queries.article_versions(user, article)) if editor else []
    attachments = list(article.attachments.all())
    return render(
        request,
        "knowledge/article.html",
        {
            "article": article,
            "shown": shown,
            "html": render_markdown(shown.body),
            "editor": editor,
            "actions": _actions(user, article) if editor else [],
            "versions": versions,
            "attachments": attachments,
            "attach_refused": refused,
            "attachment_limit": settings.KEFU_KB_ATTACHMENT_MAX_BYTES,
            "feedback_form": FeedbackForm(),
            "use": _use_target(request),
        },
        status=status,
    )


@login_required
def article_edit_page(request: HttpRequest, article_id: int | None = None) -> HttpResponse:
    """Write a new article or change one; what is saved is a draft until approved."""
    user = request_user(request)
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    article = queries.article_get_for_user(user, article_id) if article_id else None
    categories = list(queries.categories_of(user))
    reasons = list(call_reasons(user).filter(dimension=CallReason.Dimension.SERVICE_CONTENT))
    if request.method == "POST":
        form = ArticleForm(request.POST, categories=categories, reasons=reasons)
        if form.is_valid():
            with told(request, _("Saved as a draft.")) as outcome:
                if article is None:
                    article = services.article_create(actor=user, **form.values())
                else:
                    services.article_update(
                        actor=user,
                        article_id=article.pk,
                        version=form.cleaned_data["version"] or 0,
                        **form.values(),
                    )
            if outcome.done and article is not None:
                return redirect("article_page", article_id=article.pk)
    else:
        initial = ArticleForm.initial_of(article) if article else {"kind": "faq"}
        form = ArticleForm(initial=initial, categories=categories, reasons=reasons)
    return render(request, "knowledge/edit.html", {"form": form, "article": article}, status=200)


@login_required
@require_POST
def article_preview(request: HttpRequest) -> HttpResponse:
    """The text being edited rendered as agents will read it: the same Markdown and the
    same sanitising as the article's page, nothing saved."""
    if not request_user(request).has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    form = PreviewForm(request.POST)
    values = form.cleaned_data if form.is_valid() else {"title": "", "body": ""}
    return render(
        request,
        "knowledge/partials/preview.html",
        {"preview_title": values["title"], "preview_html": render_markdown(values["body"])},
    )


@login_required
@require_POST
def article_act_page(request: HttpRequest, article_id: int, action: str) -> HttpResponse:
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some fields are not valid."))
        return redirect("article_page", article_id=article_id)
    # The author approving their own text is told why on the article's page.
    with told(request, explain=(Forbidden,)) as outcome:
        services.article_act(
            actor=request_user(request),
            article_id=article_id,
            action=action,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    if outcome.done:
        messages.success(
            request, _("Done: %(action)s.") % {"action": ACTION_LABELS[Action(action)]}
        )
    return redirect("article_page", article_id=article_id)


@login_required
def article_diff_page(request: HttpRequest, article_id: int) -> HttpResponse:
    """What changed: a published version against another, or against the working copy."""
    user = request_user(request)
    article = queries.article_get_for_user(user, article_id)
    versions = {v.number: v for v in queries.article_versions(user, article)}
    try:
        before_number = int(request.GET.get("from", "0"))
        after_number = int(request.GET["to"]) if request.GET.get("to") else None
    except ValueError as error:
        raise NotFound(code="version_not_found") from error
    before = versions.get(before_number)
    after: Any = versions.get(after_number) if after_number else article
    if before is None or after is None:
        raise NotFound(code="version_not_found")
    return render(
        request,
        "knowledge/diff.html",
        {
            "article": article,
            "before": before,
            "after": after,
            "after_number": after_number,
            "lines": diff_lines(before.body, after.body),
        },
    )


@login_required
@require_POST
def feedback_page(request: HttpRequest, article_id: int) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some fields are not valid."))
        return redirect("article_page", article_id=article_id)
    with told(request, _("Thank you: the editors will see it.")):
        services.feedback_record(
            actor=request_user(request),
            article_id=article_id,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    return redirect("article_page", article_id=article_id)


@login_required
@require_POST
def use_page(request: HttpRequest, article_id: int) -> HttpResponse:
    """The agent used the article for this contact or work order, and goes back there."""
    form = UseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some fields are not valid."))
        return redirect("article_page", article_id=article_id)
    data = form.cleaned_data
    with told(request, _("Recorded as used.")):
        services.article_use_record(
            actor=request_user(request),
            article_id=article_id,
            contact_id=data["contact"],
            ticket=data["ticket"] or None,
        )
    target = data["next"]
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("article_page", article_id=article_id)


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    """The editors' desk: articles waiting for review, and what agents have flagged."""
    user = request_user(request)
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    waiting = queries.review_queue(user)
    return render(
        request,
        "knowledge/review.html",
        {
            "waiting": list(waiting[:100]),
            "feedback": list(queries.feedback_queue(user)[:100]),
            "expiring": list(queries.articles_expiring(user)[:50]),
        },
    )


@login_required
@require_POST
def feedback_resolve_page(request: HttpRequest, feedback_id: int) -> HttpResponse:
    with told(request):
        services.feedback_resolve(
            actor=request_user(request),
            feedback_id=feedback_id,
            note=request.POST.get("note", "")[:1000],
        )
    return redirect("knowledge_review")


@login_required
@require_POST
def case_page(request: HttpRequest) -> HttpResponse:
    number = request.POST.get("ticket", "").strip()[:20]
    done = _("A draft case was written from %(number)s.") % {"number": number}
    article: Article | None = None
    with told(request, done, explain=(NotFound,)):
        article = services.article_case_from_ticket(actor=request_user(request), number=number)
    if article is None:
        return redirect("knowledge_review")
    return redirect("article_edit", article_id=article.pk)


@login_required
def synonyms_page(request: HttpRequest) -> HttpResponse:
    """The synonym table: one line per group of words that mean the same."""
    user = request_user(request)
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    if request.method == "POST":
        raw_id = request.POST.get("id", "")
        with told(request, _("The synonym table is saved.")):
            if request.POST.get("delete"):
                services.synonym_delete(actor=user, synonym_id=int(raw_id or 0))
            else:
                services.synonym_save(
                    actor=user,
                    words=request.POST.get("words", "")[:300],
                    synonym_id=int(raw_id) if raw_id.isdigit() else None,
                )
        return redirect("knowledge_synonyms")
    return render(request, "knowledge/synonyms.html", {"lines": queries.synonyms_of(user)})


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = queries.attachment_get_for_user(request_user(request), attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_page(request: HttpRequest, article_id: int) -> HttpResponse:
    """Attach the uploaded file, or remove one, from the article's page."""
    user = request_user(request)
    if request.POST.get("remove", "").isdigit():
        with told(request, _("The attachment is removed.")):
            services.attachment_remove(actor=user, attachment_id=int(request.POST["remove"]))
    elif upload := request.FILES.get("file"):
        try:
            services.attachment_add(actor=user, article_id=article_id, upload=upload)
        except Invalid as refused:
            # The page again, the reason beside the form: a browser never refills a file
            # field, so the editor must see at once which file and why.
            return _article_response(request, article_id, refused=str(refused.message), status=400)
        messages.success(request, _("The file is attached."))
    else:
        messages.error(request, _("Choose a file first."))
    return redirect("article_page", article_id=article_id)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Word and Markdown documents (or a .zip of them) imported as drafts for review: the
    report of what was, or would be, created and every problem by file and place."""
    user = request_user(request)
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    categories = list(queries.categories_of(user))
    form = ImportForm(request.POST or None, request.FILES or None, categories=categories)
    report = refused = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with open_upload(upload.name or "", upload, upload.size or 0, import_limits()) as batch:
                report = services.articles_import(
                    actor=user,
                    batch=batch,
                    dry_run=form.cleaned_data["dry_run"],
                    category=form.cleaned_data["category"] or None,
                    kind=form.cleaned_data["kind"],
                )
        except BatchRefused as error:
            refused = error.problem
        status = 400 if refused or report is None or report.refused else 200
    elif request.method == "POST":
        status = 400
    limits = import_limits()
    return render(
        request,
        "knowledge/import.html",
        {"form": form, "report": report, "refused": refused, "limits": limits},
        status=status,
    )


@login_required
def export_download(request: HttpRequest) -> FileResponse:
    """Every article of the centre as Markdown files with their attachments, in a .zip
    the import reads back."""
    user = request_user(request)
    out = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    services.articles_export(actor=user, out=out)
    out.seek(0)
    name = f"{_('Knowledge base')}-{timezone.localdate():%Y%m%d}.zip"
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
