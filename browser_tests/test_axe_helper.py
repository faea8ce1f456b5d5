"""The axe helper itself: it must fail on a page with WCAG failures, or a clean run proves nothing."""

import pytest

from .conftest import check_axe

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html><head><title>Bad</title></head><body><main>
<h1>Bad page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">
<label>Unrelated</label><input type="text" id="no-label">
</main></body></html>"""
GOOD_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body><main>
<h1>Good page</h1><label for="name">Name</label><input type="text" id="name">
</main></body></html>"""


def test_check_axe_fails_listing_each_violation(page):
    page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        check_axe(page, "a bad page")
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "#no-alt" in message
    assert "html-has-lang" in message
    assert "label" in message and "#no-label" in message


def test_check_axe_passes_a_clean_page(page):
    page.set_content(GOOD_PAGE)
    check_axe(page, "a good page")
