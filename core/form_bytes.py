"""A posted form's raw bytes: tell bytes that are not UTF-8 from text that looks like them.

Werkzeug keeps a percent escape that does not decode as UTF-8 as literal text: a
comment sent as `%FF%FE` arrives as the text "%FF%FE", exactly what a customer who
types "%FF%FE" sends (as `%25FF%25FE`). Only the body tells the two apart, and it is
gone once the form has been parsed, which CSRFProtect does before any view. So the
urlencoded body is kept as each request starts (request_started is sent before every
before_request hook), and redecoded_form() reads it again where needed.
"""

from urllib.parse import parse_qsl

from flask import request, request_started
from werkzeug.datastructures import ImmutableMultiDict

URLENCODED = "application/x-www-form-urlencoded"
# Where bytes could not be read: what every decoder puts there, and what forms refuse.
UNREADABLE = "\ufffd"


def keep_urlencoded_body(_app, **_extra) -> None:
    """Keep the body of a urlencoded request so it can still be read after the form."""
    if request.mimetype == URLENCODED:
        request.get_data(cache=True, parse_form_data=False)


# For every app, at import: only a signal runs before CSRFProtect's before_request hook
# whatever the order of init_app calls, and the hook is cheap (Werkzeug reads the whole
# urlencoded body for the form anyway).
request_started.connect(keep_urlencoded_body)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def redecoded_form() -> ImmutableMultiDict | None:
    """The urlencoded form again, with U+FFFD where bytes are not UTF-8.

    None when the request is not urlencoded or every name and value is UTF-8 (then
    request.form is right as it is).
    """
    if request.mimetype != URLENCODED:
        return None
    body = request.get_data(cache=True, parse_form_data=False)
    # Latin-1 maps every byte to one character and back: the pairs' exact bytes.
    pairs = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in parse_qsl(
            body.decode("latin-1"), keep_blank_values=True, encoding="latin-1"
        )
    ]
    if all(_is_utf8(name) and _is_utf8(value) for name, value in pairs):
        return None
    return ImmutableMultiDict(
        (name.decode("utf-8", "replace"), value.decode("utf-8", "replace")) for name, value in pairs
    )
