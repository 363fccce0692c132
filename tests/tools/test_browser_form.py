"""tools/browser_form.py: the form a guest posts in tests/ and bench/, as a browser would."""

from __future__ import annotations

from tools.browser_form import FormReader, checkout_form

PAGE = """
<form action="/rouen/basket/voucher/" method="post">
  <input name="code" value="NOEL">
</form>
<form action="/rouen/checkout/" method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="csrfmiddlewaretoken" value="second">
  <input name="name" value="">
  <input type="radio" name="shop_1_mode" value="collect">
  <input type="radio" name="shop_1_mode" value="delivery" checked>
  <input type="radio" name="shop_1_slot" value="2026-12-24T09:00">
  <input type="radio" name="shop_1_slot" value="2026-12-24T10:00">
  <input type="checkbox" name="terms" checked>
  <input type="checkbox" name="newsletter" value="yes">
  <select name="payment">
    <option value="at_shop">At the shop</option>
    <option value="card" selected>Card</option>
  </select>
  <select name="tip"><option value="0">0</option><option value="1">1</option></select>
  <textarea name="note">Sonnez deux fois</textarea>
  <button type="submit" name="go">Order</button>
  <input type="submit" name="confirm" value="Confirm">
</form>
<form action="/rouen/account/"><input name="email" value="x@example.fr"></form>
"""


def test_the_checkout_form_is_posted_with_every_default_a_browser_keeps():
    reader = checkout_form()
    reader.feed(PAGE)

    assert reader.submitted() == {
        "csrfmiddlewaretoken": "tok",
        "name": "",
        "shop_1_mode": "delivery",  # the checked radio
        "shop_1_slot": "2026-12-24T09:00",  # none checked: the first
        "terms": "on",  # a checked checkbox without a value
        "payment": "card",  # the selected option
        "tip": "0",  # none selected: the first
        "note": "",  # a textarea's text is not read
    }


def test_other_forms_of_the_page_are_left_out():
    reader = FormReader(action_suffix="/account/")
    reader.feed(PAGE)

    assert reader.submitted() == {"email": "x@example.fr"}
