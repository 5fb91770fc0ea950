"""An LRS's xAPI address and credentials: checked once as given, and the forms in which an LRS may
echo the credentials back, so that none of its text is printed with them in it."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from ltl_quiz.errors import InputError


@dataclass(frozen=True)
class Endpoint:
    """An LRS's xAPI endpoint and the credentials for it."""

    base: str
    user: str
    password: str = field(repr=False)

    @classmethod
    def checked(cls, url: str | None, user: str | None, password: str | None) -> Endpoint:
        if not url:
            raise InputError("no LRS endpoint: give --endpoint URL (or set LTL_QUIZ_LRS_ENDPOINT)")
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(
                f"--endpoint {_no_credentials(url)!r} is not a web address; give the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/"
            )
        if parts.username or parts.password:
            raise InputError("put the LRS user and password in --user and --password (or the environment), not in the endpoint address")
        if not user or password is None or password == "":
            raise InputError("no LRS credentials: give --user and --password (or set LTL_QUIZ_LRS_USER and LTL_QUIZ_LRS_PASSWORD)")
        path = parts.path.rstrip("/")
        if path.endswith("/statements"):
            path = path[: -len("/statements")]
        base = urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))
        return cls(base, user, password)

    @property
    def statements_url(self) -> str:
        return self.base + "/statements"

    def authorisation(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return "Basic " + token


class Credentials:
    """The forms in which an LRS may echo our credentials, so its text can be cleaned before we print any of it."""

    def __init__(self, endpoint: Endpoint):
        pair = f"{endpoint.user}:{endpoint.password}"
        token = base64.b64encode(pair.encode()).decode("ascii")
        url_token = base64.urlsafe_b64encode(pair.encode()).decode("ascii")
        self.literals = sorted({token, token.rstrip("="), url_token.rstrip("="), pair}, key=len, reverse=True)
        words = {endpoint.password, quote(endpoint.password, safe="")} - {""}
        # The password on its own is taken out as a whole word, not inside longer words: an LRS
        # echoing it writes it as a value, and a short password must not eat into "https".
        self.words = [re.compile(rf"(?<![A-Za-z0-9]){re.escape(w)}(?![A-Za-z0-9])") for w in sorted(words, key=len, reverse=True)]

    def scrub(self, text: str) -> str:
        for literal in self.literals:
            text = text.replace(literal, "***")
        text = _USERINFO.sub(r"\1***@", text)
        for word in self.words:
            text = word.sub("***", text)
        return text


_USERINFO = re.compile(r"(//)[^/?#@\s]*@")


def _no_credentials(url: str) -> str:
    """``url`` with any password in its userinfo replaced by ***, the rest exactly as typed."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:host_end], rest[host_end:]
    if "@" not in netloc:
        return url
    userinfo, host = netloc.rsplit("@", 1)
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}{tail}"
