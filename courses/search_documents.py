"""What the course contributes to site search (search.registry): the course page and its modules, when public."""

from search.enums import Kind
from search.registry import DocumentData, Source, register
from search.services import page_is_public, page_url, text_of

from .models import CoursePage, ModulePage


def course_document(page: CoursePage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    return DocumentData(title=page.title, url=page_url(page), body=text_of(page.intro), date=page.last_published_at)


def module_document(page: ModulePage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    # The quiz is left out: its choices include wrong statements, which search must not present as content.
    return DocumentData(
        title=page.title, url=page_url(page), body=text_of(page.summary, page.body), date=page.last_published_at
    )


register(Source(model=CoursePage, kind=Kind.COURSE, build=course_document))
register(Source(model=ModulePage, kind=Kind.COURSE, build=module_document))
