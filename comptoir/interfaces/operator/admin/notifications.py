"""The e-mail outbox, read-only: what was sent, what waits, what failed and why.

The content of e-mails (bodies, log-in links, unsubscribe tokens) is not
shown. Failed e-mails can be handed back to the queue (`email_retry_failed`):
the outbox sends them the same way as any other.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.notifications.outbox import email_retry_failed
from comptoir.interfaces.operator.admin.fulfilment import ReadOnlyAdmin


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = (
        "key",
        "to",
        "subject",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "error_summary",
    )
    list_filter = ("status", "created_at")
    search_fields = ("key", "to", "subject")
    show_full_result_count = False
    ordering = ("-created_at", "-pk")
    actions = ("retry_failed",)
    fields = (
        "key",
        "to",
        "from_email",
        "subject",
        "status",
        "attempts",
        "created_at",
        "available_at",
        "enqueued_at",
        "claimed_until",
        "sent_at",
        "last_error",
    )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_outboundemail")

    @admin.display(description=_("last error"))
    def error_summary(self, email: OutboundEmail) -> str:
        return Truncator(email.last_error).chars(80)

    @admin.action(description=_("Send the failed ones again"), permissions=["retry"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        ids = list(queryset.filter(status=OutboundEmail.Status.FAILED).values_list("pk", flat=True))
        count = email_retry_failed(email_ids=ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail handed back to the queue.",
                "%(count)d e-mails handed back to the queue.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
