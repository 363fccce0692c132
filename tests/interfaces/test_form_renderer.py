"""The forms' renderer writes the plain widgets as Django's templates do, without them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates as DjangoRenderer
from django.template.backends.django import DjangoTemplates, Template
from django.utils.safestring import mark_safe

from comptoir.interfaces.form_renderer import FormRenderer


class EveryWidget(forms.Form):
    name = forms.CharField(
        label="Nom",
        max_length=40,
        help_text="Comme sur la sonnette",
        widget=forms.TextInput(
            attrs={"autocomplete": "name", "data-on": True, "data-off": False, "data-none": None}
        ),
    )
    email = forms.EmailField(required=False)
    quantity = forms.IntegerField(min_value=1, max_value=99)
    price = forms.DecimalField(max_digits=6, decimal_places=2, localize=True)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    token = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(widget=forms.TimeInput)
    site = forms.URLField(assume_scheme="https")
    phone = forms.CharField(widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    colour = forms.CharField(widget=forms.TextInput(attrs={"type": "color"}))
    look = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}))
    photo = forms.FileField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<B>")], widget=forms.RadioSelect)
    size = forms.ChoiceField(choices=[("s", "S"), ("m", "M")])


TRICKY = {
    "name": 'Zoé "<b>" & l\'épicerie',
    "email": "not an e-mail <x>",
    "quantity": "0",
    "price": "1234.5",
    "secret": "s&cret",
    "token": 'abc"def',
    "agree": "on",
    "day": "2026-12-24",
    "at": "7:30",
    "site": "exemple.fr/?a=1&b=2",
    "phone": "06 12 34 56 78",
    "colour": "#ff0000",
    "look": "pain <de> mie",
    "note": "Sonner deux fois\n<b>merci</b> & à bientôt",
    "empty_note": "",
    "kind": "a",
    "size": "m",
}


def html_of(form: forms.Form, renderer: DjangoRenderer) -> list[str]:
    form.renderer = renderer
    return [str(field) for field in form]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: EveryWidget(), id="unbound"),
        pytest.param(
            lambda: EveryWidget(
                initial={
                    "name": mark_safe("<i>déjà sûr</i>"),
                    "quantity": 3,
                    "price": Decimal("2.50"),
                    "day": datetime.date(2026, 12, 24),
                    "at": datetime.time(19, 0),
                    "agree": True,
                    "note": "",
                }
            ),
            id="initial",
        ),
        pytest.param(lambda: EveryWidget(TRICKY), id="bound, with errors"),
        pytest.param(lambda: EveryWidget(TRICKY, auto_id=False), id="no ids"),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_it_writes_every_widget_as_djangos_templates_do(make, language):
    from django.utils import translation

    with translation.override(language):
        ours = html_of(make(), FormRenderer())
        djangos = html_of(make(), DjangoRenderer())

    assert ours == djangos
    # The comparison saw escaping, errors, booleans and both kinds of widget.
    written = "\n".join(ours)
    assert "<textarea" in written
    assert 'type="radio"' in written


def test_attributes_of_every_kind_are_written_as_djangos_templates_do():
    widget = forms.TextInput(
        attrs={
            "data-true": True,
            "data-false": False,
            "data-none": None,
            "data-zero": 0,
            "data-tuple": ("a", 1),
            "data-safe": mark_safe("<ok>"),
            "data-quote": "\"'<>&",
            "aria-describedby": "x_helptext",
        }
    )
    ours = widget.render("field", "valeur <b>", renderer=FormRenderer())

    assert ours == widget.render("field", "valeur <b>", renderer=DjangoRenderer())
    assert ' data-true data-none="None" data-zero="0"' in ours
    assert "data-false" not in ours
    assert 'data-tuple="(&#x27;a&#x27;, 1)"' in ours
    assert 'data-safe="<ok>"' in ours


def test_a_plain_field_renders_without_any_template(monkeypatch):
    rendered = []
    original = Template.render

    def counting(self, context=None, request=None):
        rendered.append(self.origin.template_name)
        return original(self, context, request)

    monkeypatch.setattr(Template, "render", counting)
    form = EveryWidget(TRICKY)

    html = [str(form["name"]), str(form["note"]), str(form["agree"]), str(form["kind"])]

    assert 'name="name"' in html[0]
    assert "<textarea" in html[1]
    # Only the radio list, which is not a plain widget, used Django's templates.
    assert rendered
    assert all("radio" in name or "multiple_input" in name for name in rendered)


def test_an_installed_override_of_a_widget_template_wins(tmp_path):
    widgets = tmp_path / "django" / "forms" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "text.html").write_text('<input class="override" name="{{ widget.name }}">')

    class Overridden(FormRenderer):
        engine = DjangoTemplates(
            {
                "APP_DIRS": False,
                "DIRS": [tmp_path, Path(django.__file__).parent / "forms" / "templates"],
                "NAME": "overridden",
                "OPTIONS": {},
            }
        )

    renderer = Overridden()

    assert forms.TextInput().render("a", "b", renderer=renderer) == (
        '<input class="override" name="a">'
    )
    # Widgets not overridden are still written here, as Django's would be.
    assert forms.EmailInput().render("a", "b", renderer=renderer) == (
        '<input type="email" name="a" value="b">'
    )
