"""Issue #5, guarantee 19: bad input never gives a 500.

Every `<form method="post">` of the site is found the way tests/site_walk.py
finds pages (every route of the URL conf, filled from a demo scene, visited by
the person it is for; the guest first puts a product in the basket so the
basket and checkout forms exist). For each form, hypothesis posts what the
page would post with one to three fields replaced by hostile values: huge and
negative numbers, long decimals, NaN and Infinity, RTL text, emoji, NUL bytes,
lone surrogates, 10,000-character strings, SQL- and HTML-looking text,
impossible dates and times, a field posted twice, a field left out, unknown
extra fields. The CSRF token and the session stay those of the page.

Each answer must be below 500; a 4xx, or a 200 that shows the form again,
must carry an error message where the templates put one; the connection must
still be usable afterwards (no transaction left broken by a swallowed
database error). Each example runs in a savepoint rolled back afterwards, so
every form is posted against the same scene.

The push opt-in's JSON endpoints (/api/push/) get random and hostile JSON the
same way and must answer JSON, with a problem+json `detail` on any 4xx.

FUZZ_EXAMPLES sets the examples per form (default 5); `make stress` raises it.
"""

from __future__ import annotations

import json
import os
import re
import traceback
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.domain.accounts.models import User
from tests.access import snapshot
from tests.site_walk import (
    CSRF_TOKEN,
    Form,
    Page,
    Scene,
    demo_scene,
    is_html,
    page_forms,
    page_urls,
    visitor,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Admin lists treat a POST without their action button as a GET: the list again, no message.
SHOWN_AS_GET = "_changelist"

LONE_SURROGATE = "\ud800"
HOSTILE_VALUES = [
    # Numbers a database column cannot hold, or a quantity cannot be.
    "1" + "0" * 30,
    "-1" + "0" * 30,
    str(2**31),
    str(2**63),
    "-1",
    "-5",
    "0",
    "1e400",
    "0.1234567890123456789012345678901",
    "12345678901234567890.12",
    "1,5",
    "NaN",
    "Infinity",
    "-Infinity",
    # Text that breaks naive code.
    "\u202eطلب عربي עברית",
    "🥖🧁🍞\u200d",
    "a\x00b",
    "\x00",
    LONE_SURROGATE,
    "x" * 10_000,
    "' OR 1=1 --",
    "1; DROP TABLE orders_order; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "   ",
    "../../etc/passwd",
    # Dates and times that do not exist.
    "2026-02-30",
    "31/12/9999",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "10000-01-01",
    "25:61",
    "24:00",
    "23:59:60",
    "",
]


class Missing:
    """The field is left out of the post."""


@dataclass(frozen=True)
class Twice:
    """The field is posted twice: its own value, then this one (a list where one is expected)."""

    value: str


def field_values(choices: list[str]) -> st.SearchStrategy[Any]:
    hostile = st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.text(max_size=40),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )
    own = [st.sampled_from(choices)] if choices else []
    return st.one_of(*own, hostile, st.just(Missing()), hostile.map(Twice))


@st.composite
def submissions(draw: st.DrawFn, form: Form) -> list[tuple[str, str]]:
    """What the page posts, with one to three fields attacked and maybe unknown fields added."""
    names = [name for name in form.fields if name != CSRF_TOKEN]
    pairs = form.submission()
    attacked = draw(
        st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)
        if names
        else st.just([])
    )
    for name in attacked:
        entry = form.fields[name]
        own = [value for value in pairs if value[0] == name]
        value = draw(field_values(entry.choices or entry.values))
        rest = [pair for pair in pairs if pair[0] != name]
        if isinstance(value, Missing):
            pairs = rest
        elif isinstance(value, Twice):
            pairs = rest + (own or [(name, "")]) + [(name, value.value)]
        else:
            pairs = [*rest, (name, value)]
    extra = draw(
        st.lists(
            st.tuples(
                st.from_regex(r"[a-z_\-\[\]]{1,20}", fullmatch=True).filter(
                    lambda name: name not in form.fields
                ),
                st.sampled_from(HOSTILE_VALUES),
            ),
            max_size=2,
        )
    )
    return pairs + extra


def wire(value: str) -> bytes:
    # A lone surrogate reaches the server as the bytes a lax client sends for it.
    return value.encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(wire(k))}={quote(wire(v))}" for k, v in pairs).encode()


BOUNDARY = "fuzz-boundary-7MA4YWxkTrZu0gW"


def multipart(pairs: list[tuple[str, str]]) -> bytes:
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (BOUNDARY.encode(), wire(name), wire(value))
        for name, value in pairs
    ]
    return b"".join(parts) + b"--%s--\r\n" % BOUNDARY.encode()


def post(client: Client, form: Form, pairs: list[tuple[str, str]]) -> Any:
    if form.enctype == "multipart/form-data":
        return client.generic(
            "POST", form.action, multipart(pairs), f"multipart/form-data; boundary={BOUNDARY}"
        )
    return client.generic(
        "POST", form.action, urlencoded(pairs), "application/x-www-form-urlencoded"
    )


#: Where the templates put an error message (ours, and Django admin's).
ERROR_MARKER = re.compile(
    r'role="alert"|class="[^"]*\b(field__error|form-errors|errorlist|errornote|messagelist|notice--error'
    r"|basket-message--error|desk-card__error|desk-board__error)\b"
)


def problem_with(response: Any, form: Form, *, rerenders: bool) -> str | None:
    """Why this answer to a hostile post is wrong, or None.

    `rerenders`: the form's own unchanged post answers 200 with the form again
    and no error (an admin list with nothing selected); then so may this one.
    """
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    body = response.content.decode(errors="replace")
    if status == 403 and "CSRF" in body:
        return "refused the page's own CSRF token: the fuzz lost the session"
    if 300 <= status < 400 or status in (403, 404, 405, 410, 429):
        return None
    if "Traceback (most recent call last)" in body:
        return "shows a traceback"
    page = "<form" in body or "<html" in body
    if 400 <= status < 500 and not (ERROR_MARKER.search(body) if page else body.strip()):
        return f"answered {status} without an error message"
    if (
        status == 200
        and not rerenders
        and is_html(response)
        and shows_form_again(response, form)
        and not ERROR_MARKER.search(body)
    ):
        return "shows the form again without saying what is wrong"
    return None


def shows_form_again(response: Any, form: Form) -> bool:
    return any(
        again.action == form.action and set(again.fields) == set(form.fields)
        for again in page_forms(form.page, response)
    )


@dataclass
class Visitor:
    client: Client
    cookies: SimpleCookie


def visitors(scene: Scene) -> dict[int | None, Visitor]:
    """One browser per person, signed in as them, with a CSRF cookie; the guest's basket
    holds a product."""
    product_page = Page(
        "storefront:product_detail",
        reverse(
            "storefront:product_detail",
            kwargs={
                "city_slug": scene.city.slug,
                "shop_slug": scene.shop.slug,
                "product_slug": scene.product.slug,
            },
        ),
    )
    found: dict[int | None, Visitor] = {}
    for user in (None, scene.customer, scene.owner, scene.superuser, scene.partner):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        forms = page_forms(product_page, client.get(product_page.url))
        if user is None:
            (add,) = [form for form in forms if form.action.endswith("/basket/add/")]
            assert post(client, add, add.submission()).status_code in (200, 302, 303)
        found[None if user is None else user.pk] = Visitor(client, SimpleCookie())
    return found


def fuzz_targets(scene: Scene) -> list[tuple[Form, Visitor]]:
    """Each distinct POST form of the site (by action and fields), with its visitor's browser."""
    browsers = visitors(scene)
    targets: dict[tuple[str, tuple[str, ...]], tuple[Form, Visitor]] = {}
    for page in page_urls(scene):
        user = visitor(page, scene)
        browser = browsers[None if user is None else user.pk]
        response = browser.client.get(page.url)
        if response.status_code != 200 or not is_html(response):
            continue
        for form in page_forms(page, response):
            targets.setdefault((form.action, tuple(sorted(form.fields))), (form, browser))
    for browser in browsers.values():
        browser.cookies = SimpleCookie(browser.client.cookies.output(header="", sep="\n"))
    return list(targets.values())


def shorten(pairs: list[tuple[str, str]]) -> str:
    return repr(
        [
            (name, value if len(value) < 60 else f"{value[:20]}…({len(value)})")
            for name, value in pairs
        ]
    )


@dataclass
class Answer:
    response: Any
    #: Comptoir tables whose rows the post changed (rolled back since).
    written: list[str]


#: Written even by a refused post: the log-in throttle counts the failures.
WRITTEN_ON_REFUSAL = {"accounts.LoginThrottle"}


def posted(browser: Visitor, form: Form, pairs: list[tuple[str, str]]) -> Answer:
    """The answer to one post, in a savepoint rolled back afterwards, in the page's session."""
    browser.client.cookies = SimpleCookie(browser.cookies.output(header="", sep="\n"))
    with transaction.atomic():
        before = snapshot()
        try:
            response = post(browser.client, form, pairs)
        except Exception as error:
            error.add_note(f"posted to {form.action}: {shorten(pairs)}")
            error.add_note("".join(traceback.format_exception(error)[-8:]))
            raise
        # A view that swallowed a database error would leave the
        # transaction broken: this read would raise.
        after = snapshot()
        transaction.set_rollback(True)
    return Answer(response, [label for label, rows in after.items() if rows != before[label]])


def refused(response: Any, form: Form) -> bool:
    if response.status_code >= 400:
        return True
    body = response.content.decode(errors="replace")
    return (
        response.status_code == 200
        and bool(ERROR_MARKER.search(body))
        and is_html(response)
        and shows_form_again(response, form)
    )


def fuzz_form(form: Form, browser: Visitor, log: list[int]) -> None:
    own = posted(browser, form, form.submission()).response
    rerenders = form.page.name.endswith(SHOWN_AS_GET) or (
        own.status_code == 200 and problem_with(own, form, rerenders=False) is not None
    )

    @FUZZ
    @given(pairs=submissions(form))
    def run(pairs: list[tuple[str, str]]) -> None:
        answer = posted(browser, form, pairs)
        log.append(answer.response.status_code)
        problem = problem_with(answer.response, form, rerenders=rerenders)
        assert problem is None, f"{form.action}: {problem} for {shorten(pairs)}"
        if refused(answer.response, form):
            # A refused post is not half-written.
            written = set(answer.written) - WRITTEN_ON_REFUSAL
            assert not written, f"{form.action}: refused, yet wrote {written} for {shorten(pairs)}"

    run()


def describe(error: BaseException) -> str:
    """Each distinct failure hypothesis found, with its smallest example."""
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(describe(inner) for inner in error.exceptions)
    notes = "\n".join(getattr(error, "__notes__", []))
    return f"{type(error).__name__}: {str(error)[:300]}\n{notes[:1500]}"


def test_no_form_answers_a_500_to_hostile_input():
    scene = demo_scene()
    targets = fuzz_targets(scene)
    failures: dict[str, str] = {}
    statuses: list[int] = []
    for form, browser in targets:
        try:
            fuzz_form(form, browser, statuses)
        except Exception as error:  # every form is fuzzed, then all failures shown
            failures[f"{form.page.name} → {form.action}"] = describe(error)
    fields = sum(len(form.fields) - 1 for form, _ in targets)
    print(f"fuzzed {len(targets)} forms, {fields} fields, {len(statuses)} posts:", end=" ")
    print(dict(sorted(Counter(statuses).items())))

    assert failures == {}, "\n\n".join(f"{target}\n{why}" for target, why in failures.items())
    # The walk reached the forms that matter (not a vacuous pass).
    actions = {form.action for form, _ in targets}
    city, shop = scene.city.slug, scene.shop.slug
    assert {
        f"/{city}/basket/add/",
        f"/{city}/checkout/",
        "/account/login/",
        "/account/signup/",
        f"/shop/{city}/{shop}/products/new/",
        f"/shop/{city}/{shop}/settings/hours/",
        f"/shop/{city}/{shop}/desk/orders/{scene.order.number}/accept/",
    } <= actions
    assert len(statuses) >= len(targets) * min(EXAMPLES, 3)


# --- the push opt-in's JSON endpoints -------------------------------------------------

PUSH_ACTIONS = ("/api/push/subscribe/", "/api/push/unsubscribe/", "/api/push/status/")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
TEXTS = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=40), JSON_VALUES)


@st.composite
def push_bodies(draw: st.DrawFn, scene: Scene) -> bytes:
    """A push request: well-formed around hostile values, or not JSON at all."""
    endpoint = draw(
        st.one_of(
            st.just("https://fcm.googleapis.com/fcm/send/abc"),
            st.sampled_from(HOSTILE_VALUES).map(
                lambda v: "https://fcm.googleapis.com/fcm/send/" + v
            ),
            TEXTS,
        )
    )
    subscription = draw(
        st.one_of(
            st.fixed_dictionaries(
                {
                    "endpoint": st.just(endpoint),
                    "keys": st.dictionaries(st.sampled_from(["p256dh", "auth"]), TEXTS),
                }
            ),
            JSON_VALUES,
        )
    )
    audience = draw(
        st.sampled_from(
            [
                {"scope": "order", "order": scene.order.number},
                {"scope": "shop", "city": scene.city.slug, "shop": scene.shop.slug},
                {},
            ]
        )
    )
    data: dict[str, Any] = {**audience, "endpoint": endpoint, "subscription": subscription}
    for name in draw(
        st.lists(st.sampled_from([*data, "scope", "order", "city", "shop"]), max_size=2)
    ):
        data[name] = draw(TEXTS)
    structured = json.dumps(data).encode("utf-8", "surrogatepass")
    return draw(
        st.one_of(
            st.just(structured),
            st.just(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")),
            st.binary(max_size=64),
            st.sampled_from(
                [
                    b"",
                    b"null",
                    b"[]",
                    b"NaN",
                    b"1e999999",
                    b"[" * 5000,
                    b'{"a":' * 3000,
                    b"\xff\xfe",
                ]
            ),
            st.just(b'{"scope": "order", "order": "' + b"x" * 9000 + b'"}'),
        )
    )


def fuzz_push(client: Client, scene: Scene, log: list[int]) -> None:
    token = client.cookies["csrftoken"].value

    @settings(FUZZ, max_examples=EXAMPLES * 10)
    @given(action=st.sampled_from(PUSH_ACTIONS), body=push_bodies(scene))
    def run(action: str, body: bytes) -> None:
        with transaction.atomic():
            response = client.generic(
                "POST", action, body, "application/json", headers={"x-csrftoken": token}
            )
            User.objects.exists()
            transaction.set_rollback(True)
        log.append(response.status_code)
        assert response.status_code < 500, (action, body[:200])
        answer = json.loads(response.content)
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json"
            assert answer["detail"], answer

    run()


def test_the_push_endpoints_answer_hostile_json_with_a_problem_not_a_500():
    scene = demo_scene()
    browsers = visitors(scene)
    statuses: list[int] = []
    for user in (None, scene.customer, scene.owner):
        fuzz_push(browsers[None if user is None else user.pk].client, scene, statuses)

    assert len(statuses) >= 3 * EXAMPLES * 10
    # The fuzz reached past the parsing: some requests were understood.
    assert {200, 201} & set(statuses)
