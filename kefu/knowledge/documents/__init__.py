"""Knowledge articles to and from files, with no database: the files of one import (one
document, a .zip of many or a folder), each Word (.docx) or Markdown (.md) document turned
into the Markdown an article stores, and articles written back as Markdown files with
their images in a .zip.

`sources` reads the files of a batch within stated limits; `convert` turns one document
into an article's title, body and images; `export` writes articles out again. The
services (kefu/knowledge/services/imports.py) create the drafts.
"""

from kefu.knowledge.documents.convert import (
    DOCUMENT_SUFFIXES,
    Document,
    Image,
    convert_document,
    place_images,
)
from kefu.knowledge.documents.export import ExportArticle, ExportFile, export_zip
from kefu.knowledge.documents.sources import (
    Batch,
    BatchRefused,
    Entry,
    Limits,
    Problem,
    open_directory,
    open_upload,
)

__all__ = [
    "DOCUMENT_SUFFIXES",
    "Batch",
    "BatchRefused",
    "Document",
    "Entry",
    "ExportArticle",
    "ExportFile",
    "Image",
    "Limits",
    "Problem",
    "convert_document",
    "export_zip",
    "open_directory",
    "open_upload",
    "place_images",
]
