"""Issue 19: the public notice's contact line in the page's language (no Chinese punctuation around English)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _contact(client, publicity_list, language):
    client.cookies["django_language"] = language
    html = client.get(reverse("publicity_public:list_detail", args=[publicity_list.pk])).content.decode()
    return re.search(r'data-testid="contact">(.*?)</p>', html, re.S).group(1).strip()


def test_the_contact_line_reads_in_english_on_an_english_page(client, open_list):
    line = _contact(client, open_list, "en")
    assert line == "Contact: 市人社局就业促进科; phone: 0375-2660000."
    assert _contact(client, open_list, "zh-hans") == "联系单位：市人社局就业促进科；联系电话：0375-2660000。"
