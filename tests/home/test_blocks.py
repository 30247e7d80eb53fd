import pytest
from wagtail.blocks import StructBlockValidationError

from home import messages as msg
from home.blocks import AccessibleImageBlock, CallToActionBlock
from tests.home.factories import ImageFactory

pytestmark = pytest.mark.django_db


def test_an_image_block_without_alt_text_is_refused():
    block = AccessibleImageBlock()
    value = block.to_python({"image": ImageFactory().pk, "alt_text": "", "caption": ""})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert [str(m) for m in error.value.block_errors["alt_text"].messages] == [str(msg.IMAGE_ALT_REQUIRED)]


def test_an_image_block_with_alt_text_is_accepted():
    block = AccessibleImageBlock()
    value = block.to_python({"image": ImageFactory().pk, "alt_text": "ポスター", "caption": ""})
    assert block.clean(value)["alt_text"] == "ポスター"


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "//evil.example/"])
def test_a_call_to_action_needs_a_page_or_a_safe_url(url):
    block = CallToActionBlock()
    value = block.to_python({"heading": "受講する", "text": "", "button_label": "受講する", "page": None, "url": url})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    expected = msg.CTA_LINK_REQUIRED if url == "" else msg.CTA_LINK_INVALID
    assert [str(m) for m in error.value.block_errors["url"].messages] == [str(expected)]


@pytest.mark.parametrize("url", ["/course/", "https://www.example.jp/"])
def test_a_call_to_action_accepts_a_site_path_or_a_web_url(url):
    block = CallToActionBlock()
    value = block.to_python({"heading": "受講する", "text": "", "button_label": "受講する", "page": None, "url": url})
    assert block.clean(value)["url"] == url
