"""What a browser submits from a page's form, read with the standard library's HTML parser.

Shared by tests/ (guests placing orders on a real server) and bench/ (the
load clients), which post the checkout form as a phone would without
running its JavaScript:

    reader = FormReader(action_suffix="/checkout/")
    reader.feed(page)
    form = reader.submitted() | {"name": "Camille Martin", ...}
"""

from __future__ import annotations

import html.parser


class FormReader(html.parser.HTMLParser):
    """The fields of the form whose `action` ends with `action_suffix`, as a browser posts them.

    Text and hidden fields give their initial value (the first one wins when
    a name repeats); a select its selected option, else its first; a
    checkbox counts only when checked; a radio group gives its checked
    value, else its first one (a customer who accepts every default).
    Submit buttons are left out, and so is a textarea's initial text (it
    posts empty).
    """

    def __init__(self, *, action_suffix: str) -> None:
        super().__init__()
        self.action_suffix = action_suffix
        self.inside = False
        self.values: dict[str, str] = {}
        self.first_choice: dict[str, str] = {}  # first radio or option of each group
        self.select = ""  # the name of the select being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("action", "").endswith(self.action_suffix):
            self.inside = True
        elif self.inside and self.select and tag == "option":
            value = a.get("value", "")
            if "selected" in a:
                self.values[self.select] = value
            else:
                self.first_choice.setdefault(self.select, value)
        elif self.inside and tag == "select" and a.get("name"):
            self.select = a["name"]
        elif self.inside and tag in {"input", "textarea"} and a.get("name"):
            kind = a.get("type", "text")
            if kind == "radio":
                self.first_choice.setdefault(a["name"], a.get("value", ""))
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "on")
            elif kind != "submit":
                self.values.setdefault(a["name"], a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = ""

    def submitted(self) -> dict[str, str]:
        return self.first_choice | self.values


def checkout_form() -> FormReader:
    """A reader of Comptoir's checkout form (`/<city>/checkout/`)."""
    return FormReader(action_suffix="/checkout/")
