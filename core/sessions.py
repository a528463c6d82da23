"""Flask's signed-cookie session, without its work on requests that carry no session.

The stock interface builds a signing serializer (key derivation included) for every
request, even one without a session cookie, which is most of them (a scan, a health
check). Here a request without the cookie gets an empty session at once, the
serializer is built once per secret key, and a session nobody touched is not saved.
"""

from flask.sessions import SecureCookieSessionInterface


class LightSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers: dict = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        key = (app.secret_key, fallbacks)
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {key: serializer}  # one key in force at a time
        return serializer

    def open_session(self, app, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        # Nothing to write, delete or vary by: skip the seven cookie settings looked up first.
        if not (session or session.modified or session.accessed):
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    app.session_interface = LightSessionInterface()
