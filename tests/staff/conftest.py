"""Fixtures of the employees' private pages; the campaign ones are tests/campaign's own."""

from tests.campaign.conftest import branch, make_campaign, second_round  # noqa: F401
