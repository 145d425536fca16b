"""Password rules for every login, and changing one's own password.

The rules live in ``settings.AUTH_PASSWORD_VALIDATORS`` (Django's minimum length and
common-password lists plus the two validators here); every place that sets a password (the
hub and desk forms, the CLI, the admin) runs them through :func:`validate_new_password` or
Django's own forms, so a rule is written once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def _email_of(user: object) -> str:
    email = getattr(user, "email", "") or getattr(user, "username", "") or ""
    return str(email).strip().lower()


class NotOnlySpacesValidator:
    """Refuse a password made only of spaces (or other blanks)."""

    def validate(self, password: str, user: object = None) -> None:
        if not password.strip():
            raise ValidationError("A password cannot be only spaces.", code="password_blank")

    def get_help_text(self) -> str:
        return "Your password cannot be only spaces."


class NotTheEmailValidator:
    """Refuse a password that is, or contains, the login's own e-mail address."""

    def validate(self, password: str, user: object = None) -> None:
        email = _email_of(user)
        if email and email in password.lower():
            raise ValidationError(
                "A password cannot contain the login's e-mail address.",
                code="password_contains_email",
            )

    def get_help_text(self) -> str:
        return "Your password cannot contain your e-mail address."


def validate_new_password(password: str, email: str) -> None:
    """Run every password rule for a login ``email`` (which may not exist yet).

    Raises :class:`ValidationError` carrying one message per broken rule.
    """
    email = email.strip().lower()
    validate_password(password, get_user_model()(username=email, email=email))


def password_problems(password: str, email: str) -> str:
    """The broken rules as one sentence ("" when the password is acceptable)."""
    try:
        validate_new_password(password, email)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def password_change_form(request: HttpRequest) -> PasswordChangeForm:
    """The form to change the signed-in user's password (current one, new one twice).

    Django's form checks the current password and runs every rule for this user.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("sign in first")
    return PasswordChangeForm(user, request.POST if request.method == "POST" else None)


def change_password(request: HttpRequest, form: PasswordChangeForm) -> None:
    """Save a valid form's new password and keep this session signed in.

    Every other session of the login is signed out: Django ties a session to a hash of the
    password, and only this one is updated.
    """
    user = form.user
    user.set_password(form.cleaned_data["new_password1"])
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)


def password_page(request: HttpRequest, template: str, section: str, done: str) -> HttpResponse:
    """The change-password page of the hub or the desk (their views pass the template).

    Post/Redirect/Get: a valid change redirects to ``done`` with a message; a refused one
    shows the form again with its errors (400).
    """
    form = password_change_form(request)
    if form.is_valid():
        change_password(request, form)
        messages.success(request, "Password changed. Other sessions of this login are signed out.")
        return redirect(done)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"section": section, "form": form}, status=status)
