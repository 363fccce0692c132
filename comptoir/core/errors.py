"""Domain errors: the one way a service says "no" to a caller.

Every business failure is a subclass of `DomainError` with a stable
snake_case `code` (part of the public contract: the API returns it, tests and
clients match on it) and a translatable message rendered in the language that
is active when the error is shown, not when it is raised.

The interfaces map these errors once, in one place each: the HTML layer turns
an error into a message on the form (on `field` when it names one), the JSON
API into an RFC 9457 problem+json body (`type` from `code`, `detail` from
`str(error)`, `status` 409/422). Services never return HTTP responses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Message = str | Promise


class DomainError(Exception):
    """A business rule refused an action; nothing was written."""

    code: ClassVar[str] = "domain_error"
    default_message: ClassVar[Message] = _("This action is not possible.")
    #: The input field the error belongs to, if any (forms show it there).
    field: str | None = None

    def __init__(
        self,
        message: Message | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        field: str | None = None,
    ) -> None:
        self.message: Message = self.default_message if message is None else message
        self.params: dict[str, Any] = dict(params or {})
        if field is not None:
            self.field = field
        super().__init__(self.message)

    def __str__(self) -> str:
        # str() of a lazy message translates it into the active language now.
        text = str(self.message)
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, params={self.params!r})"


class InvalidInput(DomainError):
    """Input that the model's own validators refuse (a malformed e-mail, a price too large)."""

    code = "invalid_input"
    default_message = _("Some of the information given is not valid.")

    def __init__(self, error: ValidationError) -> None:
        self.error = error
        fields = [f for f in self.errors if f != NON_FIELD_ERRORS]
        super().__init__(field=fields[0] if len(fields) == 1 else None)

    @property
    def errors(self) -> dict[str, list[str]]:
        """Messages by field name (`__all__` for the whole object), in the active language."""
        if hasattr(self.error, "error_dict"):
            return self.error.message_dict
        return {NON_FIELD_ERRORS: self.error.messages}


def full_clean_or_raise(instance: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """Run the model's validators and constraints; refuse with `InvalidInput`."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput(error) from error
