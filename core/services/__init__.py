"""Services: one user action each; they load rows, call scoring, write and commit once."""


class DomainError(Exception):
    """A rule said no; views turn this into a field error or a flash message."""
