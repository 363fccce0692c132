"""The operator's admin site: Django's, with Comptoir's one protected log-in page.

Django's admin log-in form checks a password with no back-off and no second
step. Rather than protect a second password form, the admin sends everyone
to `/account/login/` (throttled per address and per IP, two-step log-in for
who turned it on, e-mailed link when backed off), and the visitor comes back
to the admin page they asked for. `/operator/login/` checks no password.
"""

from __future__ import annotations

from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.two_factor import two_factor_enabled
from comptoir.interfaces.accounts.login import safe_next
from comptoir.interfaces.operator.actions import SafeActions


class OperatorSite(admin.AdminSite):
    site_header = _("Comptoir — operator")
    site_title = _("Comptoir operator")
    index_title = _("Back office")
    index_template = "operator/index.html"

    @method_decorator(never_cache)
    @login_not_required
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Send the visitor to the accounts' log-in page, coming back to `next` (or the index)."""
        next_url = safe_next(request, default=reverse("admin:index", current_app=self.name))
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if request.user.is_authenticated:
            # Logged in, but as someone who may not open the back office.
            context = {
                **self.each_context(request),
                "title": _("Log in"),
                "subtitle": None,
                "log_in_url": _log_in_url(next_url),
                **(extra_context or {}),
            }
            request.current_app = self.name
            return TemplateResponse(request, "operator/not_allowed.html", context, status=403)
        return HttpResponseRedirect(_log_in_url(next_url))

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every model admin gets `SafeActions`: a forged id in a list action is no 500."""
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, SafeActions):
            base = type(base.__name__, (SafeActions, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """The index, with a prompt to turn on the two-step log-in while it is off."""
        user = cast(User, request.user)
        context = {"two_factor_missing": not two_factor_enabled(user), **(extra_context or {})}
        return super().index(request, context)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """The admin's pages, and the insights dashboard (not a model's page)."""
        from comptoir.interfaces.operator.admin.insights import insights_export, insights_view

        dashboards: list[URLPattern | URLResolver] = [
            path("insights/", self.admin_view(partial(insights_view, site=self)), name="insights"),
            path(
                "insights/figures.csv",
                self.admin_view(partial(insights_export, site=self)),
                name="insights_export",
            ),
        ]
        return dashboards + super().get_urls()


def _log_in_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"
