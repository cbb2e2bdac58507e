"""What every page's filter form needs, and the forms of signing in."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, overload

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from kefu.core.errors import DomainError, RateLimited
from kefu.core.services import signin
from kefu.core.validation import InvalidInstant, check_day


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-12-06) whatever the page's
    language writes dates as: zh-Hans writes 2026/12/06, which the picker drops, so a
    form's date (a default, or what was typed into a refused form) would show empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, its value ISO to the minute (as DateInput)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def refuse(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal at the field it names, else above the form."""
    field = error.detail.get("field") if isinstance(error.detail, dict) else None
    form.add_error(field if field in form.fields else None, str(error.message))


@overload
def start_of(day: date) -> datetime: ...


@overload
def start_of(day: None) -> None: ...


def start_of(day: date | None) -> datetime | None:
    """Midnight at the start of `day` in the centre's time zone: a date filter's bound."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class ThrottledSignin:
    """Checks the credentials through `signin`, which counts failures and refuses a locked
    user name or address, instead of calling `authenticate` unguarded."""

    channel = "web"
    throttled: RateLimited | None = None

    def clean(self) -> dict[str, Any]:
        form: Any = self
        username = form.cleaned_data.get("username")
        password = form.cleaned_data.get("password")
        if username is not None and password:
            try:
                form.user_cache = signin(
                    username=username,
                    password=password,
                    channel=self.channel,
                    request=form.request,
                )
            except RateLimited as error:
                self.throttled = error
                raise forms.ValidationError(str(error.message), code="throttled") from error
            if form.user_cache is None:
                raise form.get_invalid_login_error()
            form.confirm_login_allowed(form.user_cache)
        return dict(form.cleaned_data)


class SigninForm(ThrottledSignin, AuthenticationForm):
    pass


class AdminSigninForm(ThrottledSignin, AdminAuthenticationForm):
    channel = "admin"


class DayField(forms.DateField):
    """A date a filter starts or ends on, refused outside 1970-2099 by the rule the API and
    the services use (a year-1 bound would overflow when made a time in the centre's zone)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, date):
            try:
                check_day(value)
            except InvalidInstant as error:
                raise forms.ValidationError(str(error.message), code=error.code) from error
