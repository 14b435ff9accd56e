"""A plain HTTP client of a live Gazette, as a browser's JavaScript or an app talks to it.

The test client of Django (and DRF's) calls views in-process, skipping gunicorn, the
socket and the CSRF check; these tests need the real server, so every request here is a
real HTTP request, one connection each (a POST is never resent on a dropped keep-alive).
"""

import http.client
import json
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

# Generous: a hundred clients queue behind a few gunicorn threads on a busy machine.
REQUEST_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode()


@dataclass
class Client:
    """One client of the site at `base_url`: its cookies, and its bearer token once it has one."""

    base_url: str
    cookies: dict = field(default_factory=dict)
    bearer: str | None = None

    def request(self, method, path, *, json_body=None, form=None, headers=None):
        address = urllib.parse.urlsplit(self.base_url)
        sent = {"Accept": "application/json", **(headers or {})}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.bearer:
            sent["Authorization"] = f"Bearer {self.bearer}"
        csrf_token = self.cookies.get("csrftoken")
        if csrf_token and method not in ("GET", "HEAD", "OPTIONS"):
            sent["X-CSRFToken"] = csrf_token
        connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def fetch_csrf_token(self):
        """What the site's JavaScript does on an anonymous page: ask for a CSRF token,
        which also sets the cookie."""
        return self.get("/api/v1/auth/csrf/").json()["csrf_token"]

    def sign_in(self, username, password):
        """Signs in through the API as the site's JavaScript does (CSRF token first): the
        session cookie for pages, and the answer's access token."""
        self.fetch_csrf_token()
        answer = self.post(
            "/api/v1/auth/login/", json_body={"username": username, "password": password}
        )
        assert answer.status == 200, answer.text
        return answer.json()["access"]

    def _keep_cookies(self, set_cookie_headers):
        for header in set_cookie_headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
