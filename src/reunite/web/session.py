"""Browser sessions and CSRF protection for the server-rendered pages.

The session cookie holds a short-lived signed access token from
:class:`reunite.services.auth.TokenIssuer` (the same tokens the API accepts as bearer
tokens), so the server keeps no session table; it is ``HttpOnly`` and ``SameSite=Lax``.
Every state-changing form carries a CSRF token: ``HMAC-SHA256(k, session token)`` with a
key ``k`` derived from the master key by HKDF (RFC 5869) under its own label, checked in
constant time (the "synchronizer token" pattern of the OWASP CSRF cheat sheet, stateless).
Before login the token is bound to a random nonce cookie instead (login CSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request, Response

from reunite.errors import AuthenticationError
from reunite.governance.roles import Actor
from reunite.services.auth import TokenIssuer
from reunite.storage.crypto import MasterKey

__all__ = ["NONCE_COOKIE", "SESSION_COOKIE", "Sessions"]

SESSION_COOKIE = "reunite_session"
NONCE_COOKIE = "reunite_nonce"


class Sessions:
    """Issues session cookies, reads the actor back, and makes and checks CSRF tokens."""

    def __init__(self, master: MasterKey, *, minutes: int) -> None:
        self.tokens = TokenIssuer(master, minutes=minutes)
        self._csrf_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                              info=b"reunite web csrf v1").derive(master.secret)

    def actor(self, request: Request) -> Actor | None:
        """The logged-in actor, or None (no cookie, bad signature, expired)."""
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        try:
            return self.tokens.verify(token)
        except AuthenticationError:
            return None

    def start(self, response: Response, actor: Actor, *, secure: bool) -> None:
        """Set the session cookie for ``actor``."""
        issued = self.tokens.issue(actor)
        response.set_cookie(SESSION_COOKIE, issued.token, max_age=issued.expires_in,
                            httponly=True, samesite="lax", secure=secure, path="/")

    @staticmethod
    def end(response: Response) -> None:
        """Forget the session."""
        response.delete_cookie(SESSION_COOKIE, path="/")

    def _binding(self, request: Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE) or request.cookies.get(NONCE_COOKIE)

    def login_binding(self, request: Request) -> tuple[str, str | None]:
        """What the login form's CSRF token binds to, and a new nonce to set (or None)."""
        binding = self._binding(request)
        if binding:
            return binding, None
        nonce = secrets.token_urlsafe(24)
        return nonce, nonce

    @staticmethod
    def set_nonce(response: Response, nonce: str) -> None:
        """Set the pre-login nonce cookie."""
        response.set_cookie(NONCE_COOKIE, nonce, httponly=True, samesite="lax", path="/")

    def csrf_for(self, binding: str) -> str:
        """The CSRF token bound to a session token or nonce."""
        return hmac.new(self._csrf_key, binding.encode("utf-8"), hashlib.sha256).hexdigest()

    def csrf(self, request: Request) -> str:
        """The CSRF token for the forms of this request ("" without session or nonce)."""
        binding = self._binding(request)
        return self.csrf_for(binding) if binding else ""

    def csrf_ok(self, request: Request, token: str | None) -> bool:
        """True when ``token`` is the CSRF token of this browser's session or nonce."""
        binding = self._binding(request)
        return bool(token and binding) and hmac.compare_digest(
            self.csrf_for(str(binding)), str(token))
