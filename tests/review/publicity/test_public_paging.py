"""Issue 21: the public notice page shows its candidates a page at a time (``PORTAL_PAGE_SIZE``) with their total;
the print view and the PDF, the official notice, list every candidate."""

import uuid

import pytest
from django.urls import reverse

from review.publicity.notice_pdf import NoticePdf, render_notice_pdf
from tests.portal.pdf_checks import pdf_text

pytestmark = pytest.mark.django_db

LEADS = ["赵一", "钱二", "孙三", "李四", "周五"]


@pytest.fixture
def long_list(passed, publish, settings):
    settings.PORTAL_PAGE_SIZE = 2
    return publish([passed(lead) for lead in LEADS], days_ago=1)


def _names(publicity_list):
    return list(publicity_list.entries.order_by("position").values_list("workstation_name", flat=True))


def _shown(body, names):
    return [name for name in names if name in body]


def test_the_public_page_shows_one_page_of_candidates_with_their_total_and_a_pager(client, long_list):
    url = reverse("publicity_public:list_detail", args=[long_list.pk])
    names = _names(long_list)
    first = client.get(url).content.decode()
    assert _shown(first, names) == names[:2]
    assert "本名单共公示 5 个拟认定工作室。" in first and "本页显示第 1 至 2 名" in first
    assert 'aria-label="候选名单分页"' in first and "1 / 3" in first and 'href="?page=2"' in first
    assert reverse("publicity_public:objection_new", args=[long_list.pk]) in first  # the objection link stays
    last = client.get(url, {"page": 3}).content.decode()
    assert _shown(last, names) == names[4:]
    assert "<td>5</td>" in last  # the candidate keeps its number in the notice
    assert 'href="?page=2"' in last and "?page=4" not in last


def test_the_print_view_and_the_pdf_list_every_candidate(client, long_list):
    names = _names(long_list)
    printed = client.get(reverse("publicity_public:list_print", args=[long_list.pk])).content.decode()
    assert _shown(printed, names) == names and "个拟认定工作室" not in printed
    render_notice_pdf(long_list.pk)
    text = pdf_text(NoticePdf.objects.get(publicity_list=long_list).pdf.read()).replace(" ", "")
    assert all(name in text for name in names)


def test_the_page_in_english(client, long_list):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("publicity_public:list_detail", args=[long_list.pk]), {"page": 2}).content.decode()
    assert "The list names 5 candidates." in body and "This page shows numbers 3 to 4" in body
    assert 'aria-label="Pages of the candidate list"' in body


def test_bad_page_numbers_are_404_and_unused_parameters_are_the_same_page(client, long_list, django_assert_num_queries):
    url = reverse("publicity_public:list_detail", args=[long_list.pk])
    for params in ({"page": 4}, {"page": "x"}, {"page": "-1"}):
        assert client.get(url, params).status_code == 404, params
        assert client.get(url, params).status_code == 404, params  # a 404 is not stored as the page
    second = client.get(url, {"page": 2})
    with django_assert_num_queries(0):  # the stored page: no render, no query
        again = client.get(url, {"page": 2, "utm_source": uuid.uuid4().hex})
    assert again.content == second.content and again["ETag"] == second["ETag"]
    assert client.get(url)["ETag"] != second["ETag"]
