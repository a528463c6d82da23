"""A small cookie-keeping HTTP client (stdlib only) for driving a live server from threads."""

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Reply:
    status: int
    text: str
    headers: dict = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class WebClient:
    """One visitor: a cookie jar, no automatic redirects, answers of any status."""

    def __init__(
        self,
        base_url: str,
        cookies: http.cookiejar.CookieJar | None = None,
        user_agent: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        # One visitor, one browser: the portal tells a double tap from two customers on
        # one address by the browser as well (core/services/ratings/submission.py).
        self.user_agent = user_agent or f"e2e-visitor-{secrets.token_hex(4)}"
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def sharing_cookies(self) -> "WebClient":
        """Another client (e.g. for another thread) that is the same visitor."""
        return WebClient(self.base_url, self.cookies, self.user_agent)

    def request(self, method: str, path: str, data=None, timeout: float = 60) -> Reply:
        url = path if path.startswith("http") else self.base_url + path
        body = None if data is None else urllib.parse.urlencode(data).encode()
        headers = {"User-Agent": self.user_agent}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return Reply(response.status, _text(response), dict(response.headers))
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, _text(error), dict(error.headers))

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data) -> Reply:
        return self.request("POST", path, data)


def _text(response) -> str:
    return response.read().decode("utf-8", errors="replace")


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on the page."""
    match = CSRF_PATTERN.search(page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def signed_in_admin(base_url: str, email: str, password: str) -> WebClient:
    """A browserless admin signed in through the real login form."""
    web = WebClient(base_url)
    form = web.get("/admin/login")
    answer = web.post(
        "/admin/login",
        {"csrf_token": csrf_token(form.text), "email": email, "password": password},
    )
    assert answer.status == 302, f"login failed with {answer.status}"
    return web
