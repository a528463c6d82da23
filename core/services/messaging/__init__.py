"""Sending email and SMS."""
