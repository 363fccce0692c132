"""Local deals ("bons plans"): a shop's offer, the vouchers customers claim, their redemption."""
