"""The second factor (TOTP and recovery codes, django-otp): required for the three
administrators and the provincial office when switched on; a wrong code counts toward the
lockout and is logged; an administrator can reset a user's devices (issue 15)."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.checks import Error, Warning
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from kaifaqu.accounts.mfa.checks import mfa_enabled_check, mfa_roles_check
from kaifaqu.accounts.mfa.flow import PENDING_KEY
from kaifaqu.accounts.mfa.models import AuthenticatorDevice, RecoveryCode, recovery_code_digest
from kaifaqu.accounts.mfa.services import (
    mfa_enrolment_confirm,
    mfa_enrolment_start,
    mfa_reset,
)
from kaifaqu.accounts.models import AccessEvent, AccessEventKind, User
from kaifaqu.accounts.tokens.services import api_token_issue
from kaifaqu.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa-verify")
ENROL = reverse("accounts:mfa-enrol")


@pytest.fixture(autouse=True)
def mfa_on(settings: Settings) -> Iterator[None]:
    settings.KFQ_MFA_ENABLED = True
    yield


def code_for(device: AuthenticatorDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` periods on: django-otp accepts
    the next period too, and refuses a code used before)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrolled(user: User) -> tuple[AuthenticatorDevice, list[str]]:
    device = mfa_enrolment_start(user=user)
    codes = mfa_enrolment_confirm(user=user, device=device, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def sign_in(client: Client, username: str, password: str = PASSWORD, next_url: str = "") -> Any:
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data, REMOTE_ADDR="10.1.2.3")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_an_administrator_without_a_device_enrols_after_the_password_and_nothing_else_opens(
    client: Client, personas: Personas
) -> None:
    response = sign_in(client, "sysadmin")
    assert response.status_code == 302
    assert response["Location"] == ENROL
    assert not signed_in(client)
    assert not AccessEvent.objects.filter(kind=AccessEventKind.LOGIN).exists()
    # Nothing of the platform opens before enrolment: pages, the API, the tokens page.
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert client.get(reverse("accounts:tokens"))["Location"].startswith(LOGIN)
    assert client.get("/api/zones/").status_code in {401, 403}

    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="mfa-qr"' in html
    device = AuthenticatorDevice.objects.get(user=personas.sysadmin)
    assert not device.confirmed
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert client.get(ENROL).context["qr"] == page.context["qr"]  # the same across reloads

    wrong = client.post(ENROL, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not signed_in(client)

    done = client.post(ENROL, {"code": code_for(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert done.context["next_url"] == HOME
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert AccessEvent.objects.filter(kind=AccessEventKind.MFA_ENROLLED).count() == 1
    assert AccessEvent.objects.get(kind=AccessEventKind.LOGIN).user == personas.sysadmin
    assert client.get(HOME, follow=True).status_code == 200


def test_an_enrolled_administrator_signs_in_with_the_password_then_a_code(
    client: Client, personas: Personas, settings: Settings
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a right code straight after a wrong one
    device, _codes = enrolled(personas.auditor)
    response = sign_in(client, "auditor", next_url="/accounts/access-log/")
    assert response["Location"] == VERIFY
    assert not signed_in(client)

    wrong = client.post(VERIFY, {"code": "12345"}, REMOTE_ADDR="10.1.2.3")
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not signed_in(client)
    failure = AccessEvent.objects.get(kind=AccessEventKind.LOGIN_FAILED)
    assert (failure.username, failure.ip_address) == ("auditor", "10.1.2.3")
    assert failure.detail == "second factor code"

    right = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert right.status_code == 302
    assert right["Location"] == "/accounts/access-log/"
    assert signed_in(client)
    assert AccessEvent.objects.get(kind=AccessEventKind.LOGIN).user == personas.auditor
    assert client.get("/accounts/access-log/").status_code == 200


def test_a_code_is_used_once(client: Client, personas: Personas) -> None:
    device, _codes = enrolled(personas.auditor)
    code = code_for(device, steps_ahead=1)
    sign_in(client, "auditor")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    sign_in(other, "auditor")
    assert other.post(VERIFY, {"code": code}).status_code == 200
    assert not signed_in(other)


def test_wrong_codes_count_toward_the_lockout(
    client: Client, personas: Personas, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _codes = enrolled(personas.province_viewer)
    token = api_token_issue(user=personas.province_viewer, purpose="etl")
    sign_in(client, "province_viewer")
    for _attempt in range(2):
        assert client.post(VERIFY, {"code": "999999"}, REMOTE_ADDR="10.1.2.3").status_code == 200
    locked = client.post(VERIFY, {"code": "999999"}, REMOTE_ADDR="10.1.2.3")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert PENDING_KEY not in client.session
    # The right code no longer helps, nor does the password; and the account's token stops.
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == LOGIN
    assert sign_in(client, "province_viewer").status_code == 429
    assert not signed_in(client)
    # From another address too: the account is locked from anywhere (identity/lockout.py).
    elsewhere = Client(REMOTE_ADDR="10.5.5.5")
    response = elsewhere.post(LOGIN, {"username": "province_viewer", "password": PASSWORD})
    assert response.status_code == 429
    assert elsewhere.post(VERIFY, {"code": code_for(device)}).status_code in (302, 429)
    assert not signed_in(elsewhere)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token.secret}")
    assert api.get("/api/zones/").status_code == 401
    assert (
        AccessEvent.objects.filter(
            kind=AccessEventKind.LOGIN_FAILED, detail="second factor code"
        ).count()
        == 3
    )


def test_repeated_wrong_codes_are_slowed_down(client: Client, personas: Personas) -> None:
    device, _codes = enrolled(personas.auditor)
    sign_in(client, "auditor")
    client.post(VERIFY, {"code": "999999"})
    # django-otp's throttle: after a wrong code, even the right one waits a moment.
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 200
    assert not signed_in(client)
    assert "验证码错误次数过多" in response.content.decode()


def test_a_recovery_code_signs_in_once(client: Client, personas: Personas) -> None:
    _device, codes = enrolled(personas.sysadmin)
    sign_in(client, "sysadmin")
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert response.status_code == 302
    assert signed_in(client)
    assert "恢复码还剩 9 个" in client.get(response["Location"], follow=True).content.decode()
    assert RecoveryCode.objects.filter(device__user=personas.sysadmin).count() == 9

    again = Client()
    sign_in(again, "sysadmin")
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert not signed_in(again)


def test_other_roles_sign_in_with_the_password_unless_they_enrolled(
    client: Client, personas: Personas
) -> None:
    assert sign_in(client, "zone_admin")["Location"] == HOME
    assert signed_in(client)
    assert client.get(HOME).status_code == 200

    enrolled(personas.statistician)
    other = Client()
    assert sign_in(other, "statistician")["Location"] == VERIFY
    assert not signed_in(other)


def test_with_the_switch_off_nobody_is_asked(
    client: Client, personas: Personas, settings: Settings
) -> None:
    enrolled(personas.sysadmin)
    settings.KFQ_MFA_ENABLED = False
    assert sign_in(client, "sysadmin")["Location"] == HOME
    assert client.get(HOME, follow=True).status_code == 200


def test_a_session_without_its_second_factor_is_ended(client: Client, personas: Personas) -> None:
    """A session opened another way (or before the switch was turned on) does not count."""
    client.force_login(personas.sysadmin)
    response = client.get(HOME)
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)
    assert AccessEvent.objects.filter(kind=AccessEventKind.LOGOUT, user=personas.sysadmin).exists()

    others = Client()
    others.force_login(personas.zone_admin)  # no device, a role that needs none
    assert others.get(HOME).status_code == 200
    assert others.get(HOME).status_code == 200


def test_there_is_no_django_admin_to_sign_in_around_the_second_step(client: Client) -> None:
    # 三员分立 removed the Django admin: its own sign-in form knew nothing of the second factor.
    assert client.get("/admin/login/?next=/admin/").status_code == 404


def test_mfa_reset_removes_the_devices_and_ends_the_verified_sessions(
    client: Client, personas: Personas, settings: Settings
) -> None:
    security = User.objects.create(username="security", role="security_admin")
    device, _codes = enrolled(personas.auditor)
    sign_in(client, "auditor")
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert client.get("/accounts/access-log/").status_code == 200

    assert mfa_reset(user=personas.auditor, by=security) == 2  # authenticator, recovery codes
    assert not AuthenticatorDevice.objects.filter(user=personas.auditor).exists()
    event = AccessEvent.objects.get(kind=AccessEventKind.MFA_RESET)
    assert event.user == personas.auditor and event.detail.endswith("by security")
    assert client.get("/accounts/access-log/")["Location"].startswith(LOGIN)
    assert sign_in(client, "auditor")["Location"] == ENROL


def test_a_pending_sign_in_expires(client: Client, personas: Personas) -> None:
    enrolled(personas.auditor)
    assert client.post(VERIFY, {"code": "123456"})["Location"] == LOGIN
    sign_in(client, "auditor")
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "since": time.time() - 3600}
    session.save()
    assert client.get(VERIFY)["Location"] == LOGIN


def test_each_enrolment_has_its_own_secret(personas: Personas) -> None:
    first, second = Client(), Client()
    for client in (first, second):
        sign_in(client, "sysadmin")
    assert first.get(ENROL).context["qr"] != second.get(ENROL).context["qr"]
    # Enrolling on the password alone is for a first device only.
    device = AuthenticatorDevice.objects.filter(user=personas.sysadmin).first()
    assert device is not None
    first.post(ENROL, {"code": code_for(device)})
    third = Client()
    assert sign_in(third, "sysadmin")["Location"] == VERIFY
    assert third.get(ENROL)["Location"] == VERIFY


def test_the_own_page_shows_the_state_and_gives_new_recovery_codes(
    client: Client, personas: Personas
) -> None:
    device, codes = enrolled(personas.zone_admin)
    sign_in(client, "zone_admin")
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    page = client.get(reverse("accounts:mfa"))
    assert page.status_code == 200
    assert page.context["authenticator"] == device and page.context["codes_left"] == 10

    renewed = client.post(reverse("accounts:mfa-recovery-codes"))
    new_codes = renewed.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert set(RecoveryCode.objects.values_list("digest", flat=True)) == {
        recovery_code_digest(code) for code in new_codes
    }


def test_a_signed_in_user_sets_up_a_new_phone(client: Client, personas: Personas) -> None:
    old, _codes = enrolled(personas.zone_admin)
    sign_in(client, "zone_admin")
    client.post(VERIFY, {"code": code_for(old, steps_ahead=1)})
    client.get(ENROL)
    new = AuthenticatorDevice.objects.get(user=personas.zone_admin, confirmed=False)
    done = client.post(ENROL, {"code": code_for(new)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert list(AuthenticatorDevice.objects.filter(user=personas.zone_admin)) == [new]
    assert (
        client.get(HOME, follow=True).status_code == 200
    )  # the session is verified by the new device


def test_api_tokens_are_not_asked_for_a_code(personas: Personas) -> None:
    enrolled(personas.sysadmin)
    issued = api_token_issue(user=personas.sysadmin, purpose="backup script")
    api = APIClient(HTTP_AUTHORIZATION=f"Token {issued.secret}")
    assert api.get("/api/zones/").status_code == 200


def test_the_pages_are_in_chinese_and_english(client: Client, personas: Personas) -> None:
    enrolled(personas.auditor)
    sign_in(client, "auditor")
    assert "第二因素" in client.get(VERIFY).content.decode()
    client.cookies["django_language"] = "en"
    assert "Second factor" in client.get(VERIFY).content.decode()


def test_the_settings_are_checked(settings: Settings) -> None:
    settings.KFQ_MFA_REQUIRED_ROLES = ["system_admin", "superuser"]
    errors = mfa_roles_check()
    assert [type(e) for e in errors] == [Error] and "superuser" in errors[0].msg
    settings.KFQ_MFA_ENABLED = False
    assert [type(w) for w in mfa_enabled_check()] == [Warning]
