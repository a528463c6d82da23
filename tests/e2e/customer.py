"""A customer driving the real card and verification pages over HTTP (no browser)."""

from tests.e2e.servers import MailCatcher, one_time_code
from tests.e2e.web import Reply, WebClient

DIMENSIONS = ("attitude", "skill", "efficiency")


class Customer:
    """One phone: its cookies (session, verified device) and the steps of the flow."""

    def __init__(self, base_url: str, client: WebClient | None = None) -> None:
        self.web = client or WebClient(base_url)

    def same_phone(self) -> "Customer":
        """Another handle on this phone (shared cookies, own connection), for a thread."""
        return Customer(self.web.base_url, self.web.sharing_cookies())

    def open_card(self, token: str) -> Reply:
        return self.web.get(f"/C/{token}")

    def rating_form(self, overall: int = 5, comment: str = "Very helpful.") -> dict[str, str]:
        """The fields of a filled-in rating form (no token: Fetch Metadata guards it)."""
        fields = {
            "overall": str(overall),
            "comment": comment,
            "website": "",
        }
        fields.update({f"dim_{name}": str(overall) for name in DIMENSIONS})
        return fields

    def send_rating(self, token: str, fields: dict[str, str]) -> Reply:
        return self.web.post(f"/C/{token}", fields)

    def rate(self, token: str, overall: int = 5) -> Reply:
        """Open the card and send a rating; the answer redirects to verification."""
        assert self.open_card(token).status == 200
        return self.send_rating(token, self.rating_form(overall))

    def ask_email_code(self, address: str) -> Reply:
        return self.web.post("/v/email", {"email": address})

    def enter_code(self, code: str) -> Reply:
        return self.web.post("/v/code", {"code": code})

    def rate_and_verify(self, token: str, address: str, mail: MailCatcher, overall=5) -> Reply:
        """The whole flow by email; ends on the thank-you page (which remembers the device)."""
        sent_before = len(mail.messages_to(address))
        assert self.rate(token, overall).location.endswith("/v")
        assert self.ask_email_code(address).location.endswith("/v/code")
        code = one_time_code(mail.wait_for(address, count=sent_before + 1))
        answer = self.enter_code(code)
        assert answer.location.endswith("/v/thanks"), (answer.status, answer.location)
        return self.web.get("/v/thanks")
