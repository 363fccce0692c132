from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Shops joining the marketplace: sign-up requests, the operator's invitations, approval."""

    name = "comptoir.domain.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")
