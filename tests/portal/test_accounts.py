"""Login, lockout, roles and the role-aware home page."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.demo import DEMO_PASSWORD
from portal.models import Organisation, User

PASSWORD = "Test@pass123"


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, host_user):
    for _ in range(5):
        client.post(reverse("login"), {"username": host_user.username, "password": "wrong-Password1"})
    response = client.post(reverse("login"), {"username": host_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定30分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_login_shows_a_chinese_message_and_keeps_the_username(client, host_user):
    response = client.post(reverse("login"), {"username": host_user.username, "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的" in body
    assert f'value="{host_user.username}"' in body


@pytest.mark.django_db
def test_weak_password_is_refused_with_a_reason(client, host_user):
    client.force_login(host_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少包含小写字母、大写字母、数字、符号中的三类" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_sees_the_landing_page_and_no_workstations(client):
    assert "登录" in client.get("/").content.decode()
    response = client.get(reverse("workstations:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "title"),
    [
        ("staff", "首页 · 市人社局工作人员"),
        ("xinhua", "首页 · 推荐单位经办人"),
        ("hncj", "首页 · 推荐单位经办人"),
        ("host1", "首页 · 申报单位用户"),
        ("expert1", "首页 · 评审专家"),
        ("jijian", "首页 · 纪检监察组"),
        ("auditor", "首页 · 审计人员"),
        ("admin", "首页 · 系统管理员"),
    ],
)
def test_every_demo_login_lands_on_its_own_home_page(client, username, title):
    call_command("seed_demo", "--quiet-logins")
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert title in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", "--quiet-logins")
    counts = (User.objects.count(), Organisation.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert (User.objects.count(), Organisation.objects.count()) == counts


@pytest.mark.django_db
def test_error_pages_in_both_languages(client, host_user):
    client.force_login(host_user)
    response = client.get("/workstations/999999/")
    assert response.status_code == 404
    assert "页面未找到" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/workstations/999999/")
    assert "Not found (404)" in response.content.decode()


@pytest.mark.django_db
def test_every_page_carries_a_csp_without_unsafe_inline(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
