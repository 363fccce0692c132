"""Every database constraint of Comptoir is proven by a test (STYLE rule 5).

REGISTRY maps each constraint to the tests that show the database refusing a
violating row and accepting the boundary. A new constraint without an entry
here fails CI; so does an entry whose constraint or test has gone.
"""

import importlib

import pytest
from django.apps import apps
from django.db import connection

REGISTRY: dict[str, list[str]] = {
    # billing
    "billing_plan_name_unique": [
        "billing.test_constraints.test_it_refuses_a_second_plan_of_the_same_name_in_a_city",
        "billing.test_constraints.test_it_accepts_a_free_plan_and_a_commission_of_0_or_100",
    ],
    "billing_plan_fee_non_negative": [
        "billing.test_constraints.test_it_refuses_a_negative_fee_or_a_commission_outside_0_to_100",
        "billing.test_constraints.test_it_accepts_a_free_plan_and_a_commission_of_0_or_100",
    ],
    "billing_plan_commission_range": [
        "billing.test_constraints.test_it_refuses_a_negative_fee_or_a_commission_outside_0_to_100",
        "billing.test_constraints.test_it_accepts_a_free_plan_and_a_commission_of_0_or_100",
    ],
    "billing_issuer_one_current": [
        "billing.test_constraints.test_it_refuses_two_current_issuers_and_accepts_former_ones",
    ],
    "billing.BillingDetails.shop (unique)": [
        "billing.test_constraints.test_it_refuses_a_second_billing_details_row_or_subscription_for_a_shop",
    ],
    "billing.Subscription.shop (unique)": [
        "billing.test_constraints.test_it_refuses_a_second_billing_details_row_or_subscription_for_a_shop",
    ],
    "billing_subscription_trial_after_start": [
        "billing.test_constraints.test_it_refuses_a_trial_ending_before_the_start_or_a_next_plan_without_date",
        "billing.test_constraints.test_it_accepts_a_trial_of_zero_days_and_a_dated_next_plan",
    ],
    "billing_subscription_next_plan_dated": [
        "billing.test_constraints.test_it_refuses_a_trial_ending_before_the_start_or_a_next_plan_without_date",
        "billing.test_constraints.test_it_accepts_a_trial_of_zero_days_and_a_dated_next_plan",
    ],
    "billing_counter_unique": [
        "billing.test_constraints.test_it_refuses_a_second_counter_for_an_issuer_and_year",
    ],
    "billing_invoice_number_unique": [
        "billing.test_constraints.test_it_refuses_a_second_invoice_with_the_same_number_or_month",
    ],
    "billing_invoice_one_per_month": [
        "billing.test_constraints.test_it_refuses_a_second_invoice_with_the_same_number_or_month",
    ],
    "billing_invoice_sequence_positive": [
        "billing.test_constraints.test_it_refuses_invalid_invoices",
        "billing.test_constraints.test_it_accepts_a_valid_invoice_paid_on_its_due_date",
    ],
    "billing_invoice_status_valid": [
        "billing.test_constraints.test_it_refuses_invalid_invoices",
        "billing.test_constraints.test_it_accepts_a_valid_invoice_paid_on_its_due_date",
    ],
    "billing_invoice_totals_add_up": [
        "billing.test_constraints.test_it_refuses_invalid_invoices",
        "billing.test_constraints.test_it_accepts_a_valid_invoice_paid_on_its_due_date",
    ],
    "billing_invoice_due_after_issue": [
        "billing.test_constraints.test_it_refuses_invalid_invoices",
        "billing.test_constraints.test_it_accepts_a_valid_invoice_paid_on_its_due_date",
    ],
    "billing_invoice_paid_has_date": [
        "billing.test_constraints.test_it_refuses_invalid_invoices",
        "billing.test_constraints.test_it_accepts_a_valid_invoice_paid_on_its_due_date",
    ],
    "billing_invoiceline_amount_non_negative": [
        "billing.test_constraints.test_it_refuses_a_negative_line_and_accepts_a_zero_one",
    ],
    "billing_event_kind_valid": [
        "billing.test_constraints.test_it_refuses_an_unknown_event_kind_and_accepts_every_kind",
    ],
    # onboarding
    "onboarding.OwnerInvitation.token_hash (unique)": [
        "onboarding.test_constraints.test_it_refuses_two_invitations_with_one_token_hash",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding.OwnerInvitation.shop (unique)": [
        "onboarding.test_constraints.test_it_refuses_one_shop_created_by_two_invitations",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding.GoLiveRequest.shop (unique)": [
        "onboarding.test_constraints.test_it_refuses_two_requests_to_go_live_for_one_shop",
        "onboarding.test_constraints.test_it_accepts_one_request_to_go_live_per_shop",
    ],
    "onboarding_signup_status_valid": [
        "onboarding.test_constraints.test_it_refuses_an_unknown_request_status",
        "onboarding.test_constraints.test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates",
    ],
    "onboarding_signup_trade_valid": [
        "onboarding.test_constraints.test_it_refuses_an_unknown_request_trade",
        "onboarding.test_constraints.test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates",
    ],
    "onboarding_signup_city_or_town": [
        "onboarding.test_constraints.test_it_refuses_a_request_with_neither_city_nor_town",
        "onboarding.test_constraints.test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates",
    ],
    "onboarding_signup_email_lowercase": [
        "onboarding.test_constraints.test_it_refuses_a_request_address_in_capitals",
        "onboarding.test_constraints.test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates",
    ],
    "onboarding_signup_decided_when_not_new": [
        "onboarding.test_constraints.test_it_refuses_a_decision_without_its_time_and_a_time_without_decision",
        "onboarding.test_constraints.test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates",
    ],
    "onboarding_signup_one_new_per_email": [
        "onboarding.test_constraints.test_it_refuses_two_new_requests_from_one_address",
        "onboarding.test_constraints.test_it_accepts_every_status_with_its_decision_a_town_alone_and_decided_duplicates",
    ],
    "onboarding_invitation_expires_after_creation": [
        "onboarding.test_constraints.test_it_refuses_an_invitation_that_does_not_expire_after_it_is_sent",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding_invitation_used_or_revoked_not_both": [
        "onboarding.test_constraints.test_it_refuses_an_invitation_both_used_and_withdrawn",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding_invitation_shop_only_when_used": [
        "onboarding.test_constraints.test_it_refuses_a_shop_on_an_unused_invitation",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding_invitation_email_lowercase": [
        "onboarding.test_constraints.test_it_refuses_an_invitation_address_in_capitals",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding_invitation_trade_valid": [
        "onboarding.test_constraints.test_it_refuses_an_unknown_invitation_trade",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    "onboarding_invitation_one_open_per_email": [
        "onboarding.test_constraints.test_it_refuses_two_open_invitations_of_one_address_in_one_city",
        "onboarding.test_constraints.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_city",
    ],
    # legal
    "legal_legalpage_one_per_city_and_kind": [
        "legal.test_constraints.test_it_refuses_two_pages_of_one_kind_in_a_city",
        "legal.test_constraints.test_it_accepts_one_kind_in_two_cities_and_every_kind_in_one",
    ],
    "legal_legalpage_one_default_per_kind": [
        "legal.test_constraints.test_it_refuses_a_second_platform_default_of_a_kind",
        "legal.test_constraints.test_it_accepts_a_platform_default_once_the_old_one_is_gone",
    ],
    "legal_legalpage_kind_valid": [
        "legal.test_constraints.test_it_refuses_an_unknown_kind",
        "legal.test_constraints.test_it_accepts_every_kind",
    ],
    "legal_legalpage_body_not_empty": [
        "legal.test_constraints.test_it_refuses_an_empty_page",
        "legal.test_constraints.test_it_accepts_a_page_of_one_character",
    ],
    "legal.ShopTerms.shop (unique)": [
        "legal.test_constraints.test_it_refuses_two_sets_of_terms_for_one_shop",
        "legal.test_constraints.test_it_accepts_terms_for_two_shops",
    ],
    "legal_shopterms_body_not_empty": [
        "legal.test_constraints.test_it_refuses_empty_terms_of_sale",
        "legal.test_constraints.test_it_accepts_terms_of_sale_of_one_character",
    ],
    # deals
    "deals_deal_ends_after_start": [
        "deals.test_constraints.test_it_refuses_a_deal_that_does_not_end_after_it_starts",
        "deals.test_constraints.test_it_accepts_a_deal_one_microsecond_long",
    ],
    "deals_deal_kind_valid": [
        "deals.test_constraints.test_it_refuses_an_unknown_kind",
        "deals.test_constraints.test_it_accepts_every_kind_with_its_own_field",
    ],
    "deals_deal_state_valid": [
        "deals.test_constraints.test_it_refuses_an_unknown_state",
        "deals.test_constraints.test_it_accepts_every_state",
    ],
    "deals_deal_percent_set": [
        "deals.test_constraints.test_it_refuses_a_deal_missing_what_its_kind_or_window_needs",
        "deals.test_constraints.test_it_refuses_a_percentage_off_outside_1_to_100",
        "deals.test_constraints.test_it_accepts_a_percentage_off_of_1_or_100_and_ignores_it_on_other_kinds",
    ],
    "deals_deal_amount_set": [
        "deals.test_constraints.test_it_refuses_a_deal_missing_what_its_kind_or_window_needs",
        "deals.test_constraints.test_it_refuses_an_amount_off_that_is_not_positive",
        "deals.test_constraints.test_it_accepts_an_amount_off_of_one_cent_and_ignores_it_on_other_kinds",
    ],
    "deals_deal_free_product_set": [
        "deals.test_constraints.test_it_refuses_a_free_item_deal_without_its_product",
        "deals.test_constraints.test_it_accepts_a_free_item_deal_with_its_product_and_other_kinds_without",
    ],
    "deals_deal_n_for_m_set": [
        "deals.test_constraints.test_it_refuses_a_deal_missing_what_its_kind_or_window_needs",
        "deals.test_constraints.test_it_refuses_an_n_for_m_deal_that_gives_nothing_or_everything",
        "deals.test_constraints.test_it_accepts_two_for_the_price_of_one_and_ignores_quantities_on_other_kinds",
    ],
    "deals_deal_weekdays_valid": [
        "deals.test_constraints.test_it_refuses_weekdays_that_are_none_or_past_sunday",
        "deals.test_constraints.test_it_accepts_monday_alone_and_every_day",
    ],
    "deals_deal_daily_window_valid": [
        "deals.test_constraints.test_it_refuses_a_deal_missing_what_its_kind_or_window_needs",
        "deals.test_constraints.test_it_refuses_a_daily_window_that_does_not_end_after_it_starts",
        "deals.test_constraints.test_it_accepts_a_one_minute_daily_window_or_none",
    ],
    "deals_deal_usable_somewhere": [
        "deals.test_constraints.test_it_refuses_a_deal_usable_nowhere",
        "deals.test_constraints.test_it_accepts_a_deal_usable_only_in_the_shop_or_only_online",
    ],
    "deals_deal_per_customer_positive": [
        "deals.test_constraints.test_it_refuses_a_deal_giving_no_voucher_per_customer",
        "deals.test_constraints.test_it_accepts_one_voucher_per_customer",
    ],
    "deals_deal_cap_holds": [
        "deals.test_constraints.test_it_refuses_a_deal_created_with_more_vouchers_claimed_than_its_cap",
        "deals.test_constraints.test_it_refuses_to_count_a_claim_past_the_cap",
        "deals.test_constraints.test_it_accepts_a_deal_claimed_up_to_its_cap_or_without_a_cap",
    ],
    "deals_deal_redeemed_within_claimed": [
        "deals.test_constraints.test_it_refuses_more_vouchers_redeemed_than_claimed",
        "deals.test_constraints.test_it_accepts_every_claimed_voucher_redeemed",
    ],
    "deals_voucher_one_number_per_customer": [
        "deals.test_constraints.test_it_refuses_one_number_twice_for_a_customer_of_a_deal",
        "deals.test_constraints.test_it_accepts_one_number_for_two_customers_two_deals_and_two_numbers_for_one",
    ],
    "deals_voucher_number_positive": [
        "deals.test_constraints.test_it_refuses_a_voucher_number_zero",
        "deals.test_constraints.test_it_accepts_a_customers_first_voucher_numbered_one",
    ],
    "deals_voucher_redemption_complete": [
        "deals.test_constraints.test_it_refuses_a_half_recorded_redemption",
        "deals.test_constraints.test_it_accepts_a_voucher_unused_used_in_the_shop_or_used_online",
    ],
    "deals.Voucher.code (unique)": [
        "deals.test_constraints.test_it_refuses_two_vouchers_with_one_code",
        "deals.test_constraints.test_it_accepts_codes_differing_by_one_character",
    ],
    # deals: the weekly digest
    "deals_digestsubscription_one_per_city": [
        "deals.test_digest.test_it_refuses_a_second_subscription_of_a_customer_to_a_city",
        "deals.test_digest.test_it_accepts_one_customer_in_two_cities_and_two_customers_in_one",
    ],
    "deals_digestdelivery_once_per_week": [
        "deals.test_digest.test_it_refuses_a_second_digest_of_a_subscription_for_one_week",
        "deals.test_digest.test_it_accepts_the_next_week_and_the_same_week_of_another_year",
    ],
    "deals_digestdelivery_week_valid": [
        "deals.test_digest.test_it_refuses_an_iso_week_outside_1_to_53",
        "deals.test_digest.test_it_accepts_iso_weeks_1_and_53",
    ],
    # api (the JSON API's idempotency records)
    "api_idempotentrequest_one_per_key": [
        "test_api_constraints.test_it_refuses_two_records_of_one_key_for_one_user",
        "test_api_constraints.test_it_accepts_one_key_for_two_users",
    ],
    "api_idempotentrequest_state_valid": [
        "test_api_constraints.test_it_refuses_an_unknown_state",
        "test_api_constraints.test_it_accepts_a_done_record_with_its_answer_and_a_running_one_without",
    ],
    "api_idempotentrequest_done_has_status": [
        "test_api_constraints.test_it_refuses_a_done_record_without_its_answer",
        "test_api_constraints.test_it_accepts_a_done_record_with_its_answer_and_a_running_one_without",
    ],
    # accounts: API tokens
    "accounts_apitoken_expires_after_creation": [
        "accounts.test_token_constraints.test_it_refuses_a_token_that_expires_when_it_is_made",
        "accounts.test_token_constraints.test_it_accepts_a_token_that_expires_a_microsecond_after_it_is_made",
    ],
    "accounts_apitoken_name_not_empty": [
        "accounts.test_token_constraints.test_it_refuses_a_token_without_a_name",
        "accounts.test_token_constraints.test_it_accepts_a_one_character_name",
    ],
    "accounts.ApiToken.token_hash (unique)": [
        "accounts.test_token_constraints.test_it_refuses_two_tokens_with_one_hash",
    ],
    # accounts
    "accounts_user_email_lowercase": [
        "accounts.test_constraints.test_it_refuses_an_email_with_capitals",
        "accounts.test_constraints.test_it_refuses_to_update_an_email_to_capitals",
        "accounts.test_constraints.test_it_accepts_a_lower_case_email_with_digits_and_symbols",
    ],
    "accounts.User.email (unique)": [
        "accounts.test_constraints.test_it_refuses_two_users_with_one_email",
    ],
    "accounts_address_one_default_per_user": [
        "accounts.test_constraints.test_it_refuses_two_default_addresses_for_one_user",
        "accounts.test_constraints.test_it_accepts_one_default_among_many_addresses_and_one_per_user",
    ],
    "accounts_address_latitude_range": [
        "accounts.test_constraints.test_it_refuses_an_address_latitude_out_of_range",
        "accounts.test_constraints.test_it_accepts_address_coordinates_at_the_limits_or_unknown",
    ],
    "accounts_address_longitude_range": [
        "accounts.test_constraints.test_it_refuses_an_address_longitude_out_of_range",
        "accounts.test_constraints.test_it_accepts_address_coordinates_at_the_limits_or_unknown",
    ],
    "accounts_address_coordinates_pair": [
        "accounts.test_constraints.test_it_refuses_an_address_with_half_its_coordinates",
        "accounts.test_constraints.test_it_accepts_address_coordinates_at_the_limits_or_unknown",
    ],
    "accounts_loginlink_expires_after_creation": [
        "accounts.test_login_links.test_it_refuses_a_link_that_expires_when_it_is_created",
        "accounts.test_login_links.test_it_accepts_a_link_that_expires_a_microsecond_after_creation",
    ],
    "accounts.LoginLink.token_hash (unique)": [
        "accounts.test_login_links.test_it_refuses_two_links_with_one_token_hash",
    ],
    "accounts_loginthrottle_one_per_key": [
        "accounts.test_throttle.test_it_refuses_two_rows_for_one_scope_and_key",
        "accounts.test_throttle.test_it_accepts_one_key_in_several_scopes",
    ],
    "accounts_loginthrottle_scope_valid": [
        "accounts.test_throttle.test_it_refuses_an_unknown_scope",
        "accounts.test_throttle.test_it_accepts_one_key_in_several_scopes",
    ],
    "accounts_loginthrottle_key_not_empty": [
        "accounts.test_throttle.test_it_refuses_an_empty_key",
        "accounts.test_throttle.test_it_accepts_a_one_character_key",
    ],
    "accounts_twofactor_secret_base32": [
        "accounts.test_two_factor.test_it_refuses_a_secret_that_is_not_base32",
        "accounts.test_two_factor.test_it_accepts_a_32_character_base32_secret",
    ],
    "accounts.TwoFactor.user (unique)": [
        "accounts.test_two_factor.test_it_refuses_two_second_factors_for_one_user",
    ],
    "accounts.RecoveryCode.code_hash (unique)": [
        "accounts.test_two_factor.test_it_refuses_two_recovery_codes_with_one_hash",
    ],
    # cities
    "cities_city_slug_not_reserved": [
        "cities.test_constraints.test_it_refuses_a_city_slug_reserved_by_the_site",
        "cities.test_constraints.test_it_accepts_an_ordinary_city_slug",
    ],
    "cities_city_currency_iso": [
        "cities.test_constraints.test_it_refuses_a_currency_that_is_not_three_capitals",
        "cities.test_constraints.test_it_accepts_iso_currency_and_country_codes",
    ],
    "cities_city_country_iso": [
        "cities.test_constraints.test_it_refuses_a_country_that_is_not_two_capitals",
        "cities.test_constraints.test_it_accepts_iso_currency_and_country_codes",
    ],
    "cities_city_latitude_range": [
        "cities.test_constraints.test_it_refuses_a_latitude_out_of_range",
        "cities.test_constraints.test_it_accepts_coordinates_at_the_limits",
    ],
    "cities_city_longitude_range": [
        "cities.test_constraints.test_it_refuses_a_longitude_out_of_range",
        "cities.test_constraints.test_it_accepts_coordinates_at_the_limits",
    ],
    "cities.City.slug (unique)": [
        "cities.test_constraints.test_it_refuses_two_cities_with_one_slug",
    ],
    # insights
    "insights_citypartner_unique": [
        "insights.test_constraints.test_it_refuses_the_same_person_twice_as_partner_of_one_city",
        "insights.test_constraints.test_it_accepts_one_person_as_partner_of_two_cities",
    ],
    "insights_citypartner_organisation_not_empty": [
        "insights.test_constraints.test_it_refuses_a_partner_without_organisation",
        "insights.test_constraints.test_it_accepts_a_one_letter_organisation",
    ],
    # shops
    "shops_shop_slug_unique_in_city": [
        "shops.test_constraints.test_it_refuses_two_shops_with_one_slug_in_a_city",
        "shops.test_constraints.test_it_accepts_one_slug_in_two_cities",
    ],
    "shops_shop_slug_not_reserved": [
        "shops.test_constraints.test_it_refuses_a_shop_slug_reserved_for_city_pages",
        "shops.test_constraints.test_it_accepts_a_shop_slug_that_only_starts_like_a_reserved_one",
    ],
    "shops_shop_trade_valid": ["shops.test_constraints.test_it_refuses_an_unknown_trade"],
    "shops_shop_suspended_is_unpublished": [
        "shops.test_constraints.test_it_refuses_a_suspended_shop_that_is_still_published",
        "shops.test_constraints.test_it_accepts_a_suspended_shop_once_unpublished",
    ],
    "shops_shop_latitude_range": [
        "shops.test_constraints.test_it_refuses_a_latitude_out_of_range",
        "shops.test_constraints.test_it_accepts_coordinates_at_the_limits",
    ],
    "shops_shop_longitude_range": [
        "shops.test_constraints.test_it_refuses_a_longitude_out_of_range",
        "shops.test_constraints.test_it_accepts_coordinates_at_the_limits",
    ],
    "shops_shop_slot_minutes_min": [
        "shops.test_constraints.test_it_refuses_pickup_slots_shorter_than_five_minutes",
        "shops.test_constraints.test_it_accepts_the_smallest_fulfilment_settings",
    ],
    "shops_shop_slot_capacity_min": [
        "shops.test_constraints.test_it_refuses_pickup_slots_taking_no_order",
        "shops.test_constraints.test_it_accepts_the_smallest_fulfilment_settings",
    ],
    "shops_shop_delivery_fee_non_negative": [
        "shops.test_constraints.test_it_refuses_a_negative_delivery_fee",
        "shops.test_constraints.test_it_accepts_the_smallest_fulfilment_settings",
    ],
    "shops_shop_delivery_minimum_non_negative": [
        "shops.test_constraints.test_it_refuses_a_negative_delivery_minimum",
        "shops.test_constraints.test_it_accepts_the_smallest_fulfilment_settings",
    ],
    "shops_shop_delivery_radius_positive": [
        "shops.test_constraints.test_it_refuses_a_delivery_radius_that_is_not_positive",
        "shops.test_constraints.test_it_accepts_the_smallest_fulfilment_settings",
    ],
    "shops_shop_escalate_after_positive": [
        "shops.test_constraints.test_it_refuses_to_escalate_orders_after_zero_minutes",
        "shops.test_constraints.test_it_accepts_the_tightest_desk_escalation_or_none_at_all",
    ],
    "shops_shop_auto_refuse_after_escalation": [
        "shops.test_constraints.test_it_refuses_an_auto_refusal_before_the_owner_is_alerted",
        "shops.test_constraints.test_it_accepts_the_tightest_desk_escalation_or_none_at_all",
    ],
    "shops_openinghours_weekday_range": [
        "shops.test_constraints.test_it_refuses_a_weekday_after_sunday",
        "shops.test_constraints.test_it_accepts_monday_and_sunday",
    ],
    "shops_openinghours_opens_before_closes": [
        "shops.test_constraints.test_it_refuses_opening_hours_that_do_not_open_before_closing",
        "shops.test_constraints.test_it_accepts_opening_hours_one_minute_long",
    ],
    "shops_openinghours_unique_start": [
        "shops.test_constraints.test_it_refuses_two_ranges_starting_together_on_one_day",
        "shops.test_constraints.test_it_accepts_one_start_time_on_two_days_and_in_two_shops",
    ],
    "shops_closure_ends_after_start": [
        "shops.test_constraints.test_it_refuses_a_closure_ending_before_it_starts",
        "shops.test_constraints.test_it_accepts_a_one_day_closure",
    ],
    "shops_membership_unique": [
        "shops.test_constraints.test_it_refuses_two_memberships_of_one_person_in_one_shop",
        "shops.test_constraints.test_it_accepts_one_person_in_two_shops",
    ],
    "shops_invitation_role_valid": [
        "shops.test_invitations.test_it_refuses_an_unknown_invitation_role",
        "shops.test_invitations.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_shop",
    ],
    "shops_invitation_expires_after_creation": [
        "shops.test_invitations.test_it_refuses_an_invitation_that_expires_when_it_is_created",
        "shops.test_invitations.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_shop",
    ],
    "shops_invitation_accepted_or_revoked_not_both": [
        "shops.test_invitations.test_it_refuses_an_invitation_both_accepted_and_revoked",
        "shops.test_invitations.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_shop",
    ],
    "shops_invitation_email_lowercase": [
        "shops.test_invitations.test_it_refuses_an_invitation_email_with_capitals",
        "shops.test_invitations.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_shop",
    ],
    "shops_invitation_one_open_per_email": [
        "shops.test_invitations.test_it_refuses_two_open_invitations_for_one_address_in_one_shop",
        "shops.test_invitations.test_it_accepts_closed_invitations_beside_an_open_one_and_one_per_shop",
    ],
    "shops.ShopInvitation.token_hash (unique)": [
        "shops.test_invitations.test_it_refuses_two_invitations_with_one_token_hash",
    ],
    "shops_membership_role_valid": [
        "shops.test_constraints.test_it_refuses_an_unknown_role",
        "shops.test_constraints.test_it_accepts_every_role",
    ],
    # catalogue
    "catalogue_category_unique_name": [
        "catalogue.test_constraints.test_it_refuses_two_categories_with_one_name_in_a_shop",
        "catalogue.test_constraints.test_it_refuses_a_category_name_differing_only_by_case",
        "catalogue.test_constraints.test_it_accepts_one_category_name_in_two_shops",
    ],
    "catalogue_product_slug_unique": [
        "catalogue.test_constraints.test_it_refuses_two_products_with_one_slug_in_a_shop",
        "catalogue.test_constraints.test_it_accepts_one_product_slug_in_two_shops",
    ],
    "catalogue_product_price_non_negative": [
        "catalogue.test_constraints.test_it_refuses_a_negative_price",
        "catalogue.test_constraints.test_it_accepts_a_free_product",
    ],
    "catalogue_product_stock_non_negative": [
        "catalogue.test_constraints.test_it_refuses_a_negative_stock",
        "catalogue.test_constraints.test_it_accepts_a_stock_of_zero_or_unlimited",
    ],
    "catalogue_product_vat_rate_valid": [
        "catalogue.test_constraints.test_it_refuses_a_vat_rate_france_does_not_have",
        "catalogue.test_constraints.test_it_accepts_every_french_vat_rate",
    ],
    "catalogue_product_unit_valid": ["catalogue.test_constraints.test_it_refuses_an_unknown_unit"],
    "catalogue_product_reference_unique": [
        "catalogue.test_constraints.test_it_refuses_two_products_with_one_reference_in_a_shop",
        "catalogue.test_constraints.test_it_accepts_many_products_without_a_reference_and_one_reference_in_two_shops",
    ],
    "catalogue_product_allergens_known": [
        "catalogue.test_constraints.test_it_refuses_an_allergen_bit_outside_the_fourteen",
        "catalogue.test_constraints.test_it_accepts_no_allergen_or_all_fourteen",
    ],
    # fulfilment (with the Product fields it added)
    "catalogue_product_lead_time_at_most_30_days": [
        "fulfilment.test_constraints.test_it_refuses_a_product_lead_time_over_30_days",
        "fulfilment.test_constraints.test_it_accepts_a_product_lead_time_of_30_days_zero_or_the_shops",
    ],
    "catalogue_product_daily_quota_positive": [
        "fulfilment.test_constraints.test_it_refuses_a_daily_quota_of_zero",
        "fulfilment.test_constraints.test_it_accepts_a_daily_quota_of_one_or_none",
    ],
    "fulfilment_deliverysettings_free_above_non_negative": [
        "fulfilment.test_constraints.test_it_refuses_a_negative_free_delivery_amount",
        "fulfilment.test_constraints.test_it_accepts_the_smallest_delivery_settings",
    ],
    "fulfilment_deliverysettings_slot_minutes_min": [
        "fulfilment.test_constraints.test_it_refuses_delivery_slots_shorter_than_five_minutes",
        "fulfilment.test_constraints.test_it_accepts_the_smallest_delivery_settings",
    ],
    "fulfilment_deliverysettings_slot_capacity_min": [
        "fulfilment.test_constraints.test_it_refuses_delivery_slots_taking_no_order",
        "fulfilment.test_constraints.test_it_accepts_the_smallest_delivery_settings",
    ],
    "fulfilment_deliverypostcode_unique": [
        "fulfilment.test_constraints.test_it_refuses_one_postcode_twice_for_a_shop",
        "fulfilment.test_constraints.test_it_accepts_one_postcode_for_two_shops",
    ],
    "fulfilment_postcodearea_unique": [
        "fulfilment.test_constraints.test_it_refuses_two_areas_for_one_postcode_of_a_country",
        "fulfilment.test_constraints.test_it_accepts_one_postcode_in_two_countries",
    ],
    "fulfilment_postcodearea_not_blank": [
        "fulfilment.test_constraints.test_it_refuses_an_area_without_a_postcode",
        "fulfilment.test_constraints.test_it_accepts_one_postcode_in_two_countries",
    ],
    "fulfilment_postcodearea_latitude_range": [
        "fulfilment.test_constraints.test_it_refuses_an_area_centre_off_the_globe",
        "fulfilment.test_constraints.test_it_accepts_area_centres_at_the_limits",
    ],
    "fulfilment_postcodearea_longitude_range": [
        "fulfilment.test_constraints.test_it_refuses_an_area_centre_off_the_globe",
        "fulfilment.test_constraints.test_it_accepts_area_centres_at_the_limits",
    ],
    "fulfilment_deliverypostcode_not_blank": [
        "fulfilment.test_constraints.test_it_refuses_a_blank_postcode",
        "fulfilment.test_constraints.test_it_accepts_a_short_postcode",
    ],
    "fulfilment_slotbooking_unique_slot": [
        "fulfilment.test_constraints.test_it_refuses_two_booking_rows_for_one_slot",
        "fulfilment.test_constraints.test_it_accepts_one_start_for_two_kinds_and_two_shops",
    ],
    "fulfilment_slotbooking_booked_non_negative": [
        "fulfilment.test_constraints.test_it_refuses_a_negative_booking_count",
        "fulfilment.test_constraints.test_it_accepts_an_empty_slot_of_each_kind",
    ],
    "fulfilment_slotbooking_kind_valid": [
        "fulfilment.test_constraints.test_it_refuses_an_unknown_slot_kind",
        "fulfilment.test_constraints.test_it_accepts_an_empty_slot_of_each_kind",
    ],
    "fulfilment_dailyquotausage_unique_day": [
        "fulfilment.test_constraints.test_it_refuses_two_usage_rows_for_one_product_and_day",
        "fulfilment.test_constraints.test_it_accepts_one_product_on_two_days_and_two_products_on_one",
    ],
    "fulfilment_dailyquotausage_used_non_negative": [
        "fulfilment.test_constraints.test_it_refuses_a_negative_quota_usage",
        "fulfilment.test_constraints.test_it_accepts_a_quota_usage_of_zero",
    ],
    # orders
    "orders_basket_one_per_user_and_city": [
        "orders.test_constraints.test_it_refuses_two_baskets_of_one_customer_in_a_city",
        "orders.test_constraints.test_it_accepts_one_basket_per_owner_and_city",
    ],
    "orders_basket_one_per_session_and_city": [
        "orders.test_constraints.test_it_refuses_two_baskets_of_one_session_in_a_city",
        "orders.test_constraints.test_it_accepts_one_basket_per_owner_and_city",
    ],
    "orders_basket_user_xor_session": [
        "orders.test_constraints.test_it_refuses_a_basket_with_both_owners_or_none",
        "orders.test_constraints.test_it_accepts_one_basket_per_owner_and_city",
    ],
    "orders_basketline_one_per_product": [
        "orders.test_constraints.test_it_refuses_a_product_twice_in_a_basket",
        "orders.test_constraints.test_it_accepts_basket_lines_at_the_limits_and_a_product_in_two_baskets",
    ],
    "orders_basketline_quantity_range": [
        "orders.test_constraints.test_it_refuses_a_basket_quantity_out_of_range",
        "orders.test_constraints.test_it_accepts_basket_lines_at_the_limits_and_a_product_in_two_baskets",
    ],
    "orders_checkout_token_unique": [
        "orders.test_constraints.test_it_refuses_two_checkouts_with_one_token",
        "orders.test_constraints.test_it_accepts_checkouts_with_distinct_tokens",
    ],
    "orders_checkout_token_not_empty": [
        "orders.test_constraints.test_it_refuses_a_checkout_without_token",
        "orders.test_constraints.test_it_accepts_checkouts_with_distinct_tokens",
    ],
    "orders_order_number_unique": [
        "orders.test_constraints.test_it_refuses_two_orders_with_one_number",
        "orders.test_constraints.test_it_accepts_a_pickup_code_again_once_closed_or_in_another_shop",
    ],
    "orders_order_pickup_code_unique_open_in_shop": [
        "orders.test_constraints.test_it_refuses_one_pickup_code_on_two_open_orders_of_a_shop",
        "orders.test_constraints.test_it_accepts_a_pickup_code_again_once_closed_or_in_another_shop",
    ],
    "orders_order_pickup_code_format": [
        "orders.test_constraints.test_it_refuses_a_malformed_pickup_code",
        "orders.test_constraints.test_it_accepts_a_pickup_code_again_once_closed_or_in_another_shop",
    ],
    "orders_order_state_valid": [
        "orders.test_constraints.test_it_refuses_an_unknown_choice",
        "orders.test_constraints.test_it_accepts_every_state_and_payment_choice",
    ],
    "orders_order_fulfilment_valid": [
        "orders.test_constraints.test_it_refuses_an_unknown_choice",
        "orders.test_constraints.test_it_accepts_a_delivery_with_its_address_and_a_free_delivery",
    ],
    "orders_order_payment_method_valid": [
        "orders.test_constraints.test_it_refuses_an_unknown_choice",
        "orders.test_constraints.test_it_accepts_every_state_and_payment_choice",
    ],
    "orders_order_payment_state_valid": [
        "orders.test_constraints.test_it_refuses_an_unknown_choice",
        "orders.test_constraints.test_it_accepts_every_state_and_payment_choice",
    ],
    "orders_order_slot_ends_after_start": [
        "orders.test_constraints.test_it_refuses_a_slot_ending_when_it_starts",
        "orders.test_constraints.test_it_accepts_every_state_and_payment_choice",
    ],
    "orders_order_money_non_negative": [
        "orders.test_constraints.test_it_refuses_negative_money",
        "orders.test_constraints.test_it_accepts_totals_that_add_up_to_the_cent_including_zero",
    ],
    "orders_order_total_is_subtotal_less_discount_plus_fee": [
        "orders.test_constraints.test_it_refuses_a_total_that_is_not_subtotal_less_discount_plus_fee",
        "orders.test_constraints.test_it_accepts_totals_that_add_up_to_the_cent_including_zero",
        "orders.test_constraints.test_it_accepts_a_discount_of_the_whole_subtotal_with_a_fee_and_none_at_all",
    ],
    "orders_order_discount_within_subtotal": [
        "orders.test_constraints.test_it_refuses_a_discount_below_zero_or_above_the_subtotal",
        "orders.test_constraints.test_it_accepts_a_discount_of_the_whole_subtotal_with_a_fee_and_none_at_all",
    ],
    "orders_order_discount_has_voucher": [
        "orders.test_constraints.test_it_refuses_a_discount_without_its_voucher",
        "orders.test_constraints.test_it_accepts_a_discount_of_the_whole_subtotal_with_a_fee_and_none_at_all",
    ],
    "orders_order_delivery_has_address": [
        "orders.test_constraints.test_it_refuses_a_delivery_without_address",
        "orders.test_constraints.test_it_accepts_a_delivery_with_its_address_and_a_free_delivery",
    ],
    "orders_order_collect_has_no_address_nor_fee": [
        "orders.test_constraints.test_it_refuses_a_pickup_with_an_address_or_a_fee",
        "orders.test_constraints.test_it_accepts_every_state_and_payment_choice",
    ],
    "orders_order_latitude_range": [
        "orders.test_constraints.test_it_refuses_delivery_coordinates_out_of_range",
        "orders.test_constraints.test_it_accepts_delivery_coordinates_at_the_limits",
    ],
    "orders_order_longitude_range": [
        "orders.test_constraints.test_it_refuses_delivery_coordinates_out_of_range",
        "orders.test_constraints.test_it_accepts_delivery_coordinates_at_the_limits",
    ],
    "orders_orderline_quantity_range": [
        "orders.test_constraints.test_it_refuses_an_inconsistent_order_line",
        "orders.test_constraints.test_it_accepts_order_lines_at_the_limits",
    ],
    "orders_orderline_price_non_negative": [
        "orders.test_constraints.test_it_refuses_an_inconsistent_order_line",
        "orders.test_constraints.test_it_accepts_order_lines_at_the_limits",
    ],
    "orders_orderline_vat_rate_valid": [
        "orders.test_constraints.test_it_refuses_an_inconsistent_order_line",
        "orders.test_constraints.test_it_accepts_order_lines_at_the_limits",
    ],
    "orders_orderline_total_is_price_times_quantity": [
        "orders.test_constraints.test_it_refuses_an_inconsistent_order_line",
        "orders.test_constraints.test_it_accepts_order_lines_at_the_limits",
    ],
    "orders_orderline_discount_within_line": [
        "orders.test_constraints.test_it_refuses_an_inconsistent_order_line",
        "orders.test_constraints.test_it_accepts_order_lines_at_the_limits",
    ],
    "orders_orderevent_to_state_valid": [
        "orders.test_constraints.test_it_refuses_an_event_with_an_unknown_state",
        "orders.test_constraints.test_it_accepts_a_first_event_and_every_state",
    ],
    "orders_orderevent_from_state_valid": [
        "orders.test_constraints.test_it_refuses_an_event_with_an_unknown_state",
        "orders.test_constraints.test_it_accepts_a_first_event_and_every_state",
    ],
    # notifications
    "notifications_pushsubscription_one_audience": [
        "notifications.test_constraints.test_it_refuses_a_subscription_for_nobody",
        "notifications.test_constraints.test_it_refuses_a_subscription_for_a_user_and_a_guest_order",
        "notifications.test_constraints.test_it_refuses_a_desk_subscription_without_its_member",
        "notifications.test_constraints.test_it_accepts_each_audience_for_one_phone",
    ],
    "notifications_pushsubscription_unique_for_user": [
        "notifications.test_constraints.test_it_refuses_one_phone_twice_for_a_user",
        "notifications.test_constraints.test_it_accepts_one_phone_for_two_users_two_orders_and_two_desks",
    ],
    "notifications_pushsubscription_unique_for_order": [
        "notifications.test_constraints.test_it_refuses_one_phone_twice_for_an_order",
        "notifications.test_constraints.test_it_accepts_one_phone_for_two_users_two_orders_and_two_desks",
    ],
    "notifications_pushsubscription_unique_for_shop": [
        "notifications.test_constraints.test_it_refuses_one_phone_twice_on_a_desk",
        "notifications.test_constraints.test_it_accepts_one_phone_for_two_users_two_orders_and_two_desks",
    ],
    "notifications_pushsubscription_endpoint_https": [
        "notifications.test_constraints.test_it_refuses_an_endpoint_that_is_not_https",
        "notifications.test_constraints.test_it_accepts_each_audience_for_one_phone",
    ],
    "notifications_pushsubscription_key_lengths": [
        "notifications.test_constraints.test_it_refuses_keys_of_the_wrong_length",
        "notifications.test_constraints.test_it_accepts_keys_of_exactly_the_browsers_lengths",
    ],
    "notifications_pushdelivery_once": [
        "notifications.test_constraints.test_it_refuses_to_record_one_event_twice_for_a_phone",
        "notifications.test_constraints.test_it_accepts_one_event_for_two_phones_and_two_events_for_one",
    ],
    "notifications_pushdelivery_key_not_empty": [
        "notifications.test_constraints.test_it_refuses_an_event_without_a_key",
    ],
    "notifications_outboundemail_key_unique": [
        "notifications.test_outbox_constraints.test_it_refuses_one_key_twice",
        "notifications.test_outbox_constraints.test_it_accepts_two_keys_for_one_reader",
    ],
    "notifications_outboundemail_key_not_empty": [
        "notifications.test_outbox_constraints.test_it_refuses_an_email_without_a_key",
        "notifications.test_outbox_constraints.test_it_accepts_a_one_character_key",
    ],
    "notifications_outboundemail_status_valid": [
        "notifications.test_outbox_constraints.test_it_refuses_an_unknown_status",
        "notifications.test_outbox_constraints.test_it_accepts_each_status",
    ],
    "notifications_outboundemail_sent_at_iff_sent": [
        "notifications.test_outbox_constraints.test_it_refuses_a_sent_email_without_its_sending_time",
        "notifications.test_outbox_constraints.test_it_refuses_a_sending_time_on_an_email_not_sent",
        "notifications.test_outbox_constraints.test_it_accepts_each_status",
    ],
}


def comptoir_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("comptoir.")
        for model in config.get_models()
    ]


def declared_constraints() -> set[str]:
    names: set[str] = set()
    for model in comptoir_models():
        names.update(constraint.name for constraint in model._meta.constraints)
        names.update(
            f"{model._meta.label}.{field.name} (unique)"
            for field in model._meta.local_fields
            if field.unique and not field.primary_key
        )
    return names


def test_every_constraint_of_every_comptoir_model_has_a_test():
    untested = declared_constraints() - set(REGISTRY)

    assert untested == set(), "add a test_constraints test and a REGISTRY entry for each"


def test_the_registry_names_no_constraint_that_is_gone():
    assert set(REGISTRY) - declared_constraints() == set()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_the_registered_tests_exist(name):
    for path in REGISTRY[name]:
        module, function = f"tests.domain.{path}".rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), function, None)), path


@pytest.mark.django_db
def test_every_declared_constraint_exists_in_the_migrated_database():
    missing = []
    with connection.cursor() as cursor:
        for model in comptoir_models():
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            unique_columns = [c["columns"] for c in found.values() if c["unique"]]
            missing += [c.name for c in model._meta.constraints if c.name not in found]
            missing += [
                f"{model._meta.label}.{field.name} (unique)"
                for field in model._meta.local_fields
                if field.unique and not field.primary_key and [field.column] not in unique_columns
            ]

    assert missing == []
