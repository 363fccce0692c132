"""The forms' renderer: Django's, with its plainest widgets written in Python.

Every form field on a page renders its widget through a template: for a text
box, `text.html`, which includes `input.html`, which includes `attrs.html`
and loops over the attributes. The checkout page has eight such fields; their
widgets took ~10 % of the page (docs/benchmarks.md, "What this issue's work
changed"). `FormRenderer` writes those widgets (`<input>` of every type, and
`<textarea>`) in one pass, with exactly the output of Django's own templates,
and hands every other template (selects, radio lists, a form's layout) to
Django's renderer.

If an installed app overrides one of these widget templates, its override
wins: such a template is never written here (checked once, on first use).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

_DJANGO_WIDGETS = Path(django.__file__).parent / "forms" / "templates"

_INPUT_TYPES = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)


def _stringformat(value: object) -> str:
    """`{{ value|stringformat:'s' }}` as Django's templates write it (autoescaped)."""
    text = str(value)  # what "%s" % value gives, a tuple's too (the filter wraps it first)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, object]) -> str:
    """`django/forms/widgets/attrs.html`: False leaves an attribute out, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_stringformat(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """`django/forms/widgets/input.html`."""
    value = widget["value"]
    written = "" if value is None else f' value="{_stringformat(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{written}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    """`django/forms/widgets/textarea.html`."""
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    f"django/forms/widgets/{kind}.html": _input for kind in _INPUT_TYPES
} | {"django/forms/widgets/textarea.html": _textarea}


class FormRenderer(DjangoTemplates):
    """Django's default form renderer, writing the plain widgets itself (FORM_RENDERER)."""

    @cached_property
    def _written(self) -> dict[str, Callable[[Mapping[str, Any]], str]]:
        """The widgets written here: those whose template is still Django's own."""
        return {
            name: writer
            for name, writer in _WRITERS.items()
            if _DJANGO_WIDGETS in Path(self.get_template(name).origin.name).parents
        }

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        writer = self._written.get(template_name)
        widget = context.get("widget")
        if writer is None or not isinstance(widget, Mapping):
            return super().render(template_name, context, request=request)
        return writer(widget)
