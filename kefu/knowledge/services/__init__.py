"""Every change of a knowledge article: one function, one transaction, one audit row.

`articles` writes, reviews and retires articles and records what readers do with them;
`index` keeps the search index; `synonyms` the centre's synonyms; `attachments` the files
that go with an article.
"""

from kefu.knowledge.services.articles import (
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    ExpirySweepResult,
    article_act,
    article_case_from_ticket,
    article_create,
    article_expiry_sweep,
    article_update,
    article_use_record,
    article_viewed,
    feedback_record,
    feedback_resolve,
)
from kefu.knowledge.services.attachments import attachment_add, attachment_remove
from kefu.knowledge.services.imports import (
    KnowledgeImportReport,
    articles_export,
    articles_import,
)
from kefu.knowledge.services.index import (
    search_index_rebuild,
    search_index_update,
    search_index_write,
)
from kefu.knowledge.services.synonyms import synonym_delete, synonym_save

__all__ = [
    "MAX_QUESTIONS",
    "MAX_QUESTION_LENGTH",
    "ExpirySweepResult",
    "KnowledgeImportReport",
    "article_act",
    "article_case_from_ticket",
    "article_create",
    "article_expiry_sweep",
    "article_update",
    "article_use_record",
    "article_viewed",
    "articles_export",
    "articles_import",
    "attachment_add",
    "attachment_remove",
    "feedback_record",
    "feedback_resolve",
    "search_index_rebuild",
    "search_index_update",
    "search_index_write",
    "synonym_delete",
    "synonym_save",
]
