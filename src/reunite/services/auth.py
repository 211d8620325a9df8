"""Users, passwords, bearer tokens and API tokens: who the actor is.

* Passwords are stored only as argon2id hashes (argon2-cffi defaults, RFC 9106's second
  recommended option); a password shorter than :data:`MIN_PASSWORD_LENGTH` is refused.
* Access tokens are short-lived (``Settings.token_minutes``), stateless and signed:
  ``base64url(claims).base64url(HMAC-SHA256(claims))`` with a signing key derived from the
  master key by HKDF-SHA256 (RFC 5869), so no token table exists and tokens from another
  installation or an old master key do not verify. They carry the user name and roles.
* API tokens are for lab instruments: an account named ``api:<name>`` whose secret is the
  token (argon2-hashed like a password); ``rnt_<name>.<secret>`` authenticates it until
  the account is disabled. Verified tokens are remembered in memory (by SHA-256) for a
  minute so an instrument's upload does not pay for argon2 on every request.
* :class:`LoginThrottle` limits failed logins per user name and per client (sliding window).

Permission checks stay in the services: this module says who is acting, not what they may
do, except that creating users and API tokens needs ``manage-users``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from reunite.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from reunite.governance.roles import Action, Actor, Role
from reunite.services.audit_service import AuditEntry, append_audit, checked
from reunite.storage.crypto import MasterKey
from reunite.storage.records import UserRecord
from reunite.storage.repositories import SqlStore

__all__ = [
    "API_TOKEN_PREFIX",
    "MIN_PASSWORD_LENGTH",
    "IssuedToken",
    "LoginThrottle",
    "TokenIssuer",
    "TooManyAttempts",
    "authenticate",
    "authenticate_api_token",
    "create_api_token",
    "create_first_admin",
    "create_user",
    "has_users",
    "hash_password",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
API_TOKEN_PREFIX = "rnt_"
_API_USER = "api:"
_HASHER = PasswordHasher()
_dummy: list[str] = []


def _dummy_hash() -> str:
    # A fixed hash to verify against when the user does not exist, so a wrong user name
    # costs the same time as a wrong password (no user enumeration by timing). Made on
    # first use: hashing at import would slow every command start.
    if not _dummy:
        _dummy.append(_HASHER.hash("reunite-no-such-user"))
    return _dummy[0]


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (refuses short passwords)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                         field="password")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    out: set[Role] = set()
    for role in roles:
        try:
            out.add(Role(role))
        except ValueError as exc:
            raise InputError("unknown role", field="roles", value=str(role),
                             allowed=[r.value for r in Role]) from exc
    if not out:
        raise InputError("a user needs at least one role", field="roles")
    return frozenset(out)


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name) or name.startswith(
            _API_USER):
        raise InputError("a user name is 1-64 characters without spaces and not 'api:...'",
                         field="username", value=username)
    return name


def create_user(store: SqlStore, actor: Actor, *, username: str, password: str,
                roles: Iterable[Role | str]) -> None:
    """Create a user (``manage-users``); the password is stored only as its hash."""
    checked(store, actor, Action.MANAGE_USERS, f"user:{username}")
    name = _check_username(username)
    granted = _roles(roles)
    record = UserRecord(name, hash_password(password), frozenset(r.value for r in granted))
    with store.transaction() as repos:
        repos.users.add(record)
        append_audit(repos, AuditEntry(actor.name, Action.MANAGE_USERS.value, f"user:{name}",
                                      "created with roles "
                                      + ", ".join(sorted(r.value for r in granted))))


def create_first_admin(store: SqlStore, *, username: str, password: str) -> None:
    """Create the first administrator of a fresh installation (refused once users exist)."""
    name = _check_username(username)
    record = UserRecord(name, hash_password(password), frozenset({Role.ADMIN.value}))
    with store.transaction() as repos:
        if repos.users.count():
            raise ConflictError("users exist already: ask an administrator to add you",
                                user=name)
        repos.users.add(record)
        append_audit(repos, AuditEntry("reunite-init", Action.MANAGE_USERS.value,
                                      f"user:{name}", "first administrator created"))


def has_users(store: SqlStore) -> bool:
    """True once any account exists (``reunite init`` creates the first admin otherwise)."""
    with store.transaction() as repos:
        return repos.users.count() > 0


def authenticate(store: SqlStore, username: str, password: str) -> Actor:
    """The actor for a user name and password; :class:`AuthenticationError` otherwise.

    The error never says whether the user exists.
    """
    try:
        with store.transaction() as repos:
            user: UserRecord | None = repos.users.get(username)
    except NotFoundError:
        user = None
    if user is None or username.startswith(_API_USER):
        verify_password(_dummy_hash(), password)
        raise AuthenticationError("unknown user or wrong password", field="username")
    if not verify_password(user.password_hash, password) or not user.active:
        raise AuthenticationError("unknown user or wrong password", field="username")
    return Actor.of(user.username, user.roles)


@dataclass(frozen=True)
class IssuedToken:
    """A bearer token and when it expires (seconds since the epoch)."""

    token: str
    expires_at: int
    expires_in: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Signs and verifies short-lived bearer tokens (see the module docstring)."""

    def __init__(self, master: MasterKey, *, minutes: int,
                 clock: Callable[[], float] = time.time) -> None:
        if minutes <= 0:
            raise InputError("token lifetime must be positive", field="token_minutes",
                             value=minutes)
        self._key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                         info=b"reunite access token v1").derive(master.secret)
        self._seconds = minutes * 60
        self._clock = clock

    def issue(self, actor: Actor) -> IssuedToken:
        """A token for ``actor`` valid for the configured minutes."""
        now = int(self._clock())
        claims = {"sub": actor.name, "roles": sorted(r.value for r in actor.roles),
                  "iat": now, "exp": now + self._seconds, "jti": secrets.token_hex(8)}
        body = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())
        return IssuedToken(f"{body}.{signature}", now + self._seconds, self._seconds)

    def verify(self, token: str) -> Actor:
        """The actor a valid, unexpired token names; :class:`AuthenticationError` otherwise."""
        body, _, signature = token.partition(".")
        expected = _b64(hmac.new(self._key, body.encode("ascii", "replace"),
                                 hashlib.sha256).digest())
        if not signature or not hmac.compare_digest(expected, signature):
            raise AuthenticationError("invalid token", field="authorization")
        try:
            claims = json.loads(_unb64(body))
            name, roles, expires = str(claims["sub"]), claims["roles"], int(claims["exp"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthenticationError("invalid token", field="authorization") from exc
        if expires <= self._clock():
            raise AuthenticationError("token expired: log in again", field="authorization")
        return Actor.of(name, roles)


def create_api_token(store: SqlStore, actor: Actor, *, name: str,
                     roles: Iterable[Role | str]) -> str:
    """Create an instrument account ``api:<name>`` and return its token (shown once)."""
    checked(store, actor, Action.MANAGE_USERS, f"user:{_API_USER}{name}")
    if not name or not all(c.isalnum() or c in "-_" for c in name) or len(name) > 40:
        raise InputError("an API token name is 1-40 letters, digits, '-' or '_'",
                         field="name", value=name)
    granted = _roles(roles)
    secret = secrets.token_urlsafe(32)
    record = UserRecord(f"{_API_USER}{name}", _HASHER.hash(secret),
                        frozenset(r.value for r in granted))
    with store.transaction() as repos:
        repos.users.add(record)
        append_audit(repos, AuditEntry(actor.name, Action.MANAGE_USERS.value,
                                      f"user:{record.username}", "API token created with roles "
                                      + ", ".join(sorted(record.roles))))
    return f"{API_TOKEN_PREFIX}{name}.{secret}"


_API_CACHE_SECONDS = 60.0
_api_cache: dict[str, tuple[float, Actor]] = {}
_api_lock = threading.Lock()


def authenticate_api_token(store: SqlStore, token: str) -> Actor:
    """The instrument actor of an API token; :class:`AuthenticationError` otherwise."""
    digest = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
    now = time.monotonic()
    with _api_lock:
        cached = _api_cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
    name, _, secret = token.removeprefix(API_TOKEN_PREFIX).partition(".")
    actor = authenticate_stored_secret(store, f"{_API_USER}{name}", secret)
    with _api_lock:
        _api_cache[digest] = (now + _API_CACHE_SECONDS, actor)
    return actor


def authenticate_stored_secret(store: SqlStore, username: str, secret: str) -> Actor:
    """Check a secret against an account's stored hash (API tokens)."""
    try:
        with store.transaction() as repos:
            user = repos.users.get(username)
    except NotFoundError as exc:
        raise AuthenticationError("invalid API token", field="authorization") from exc
    if not user.active or not verify_password(user.password_hash, secret):
        raise AuthenticationError("invalid API token", field="authorization")
    return Actor.of(user.username, user.roles)


class TooManyAttempts(AuthenticationError):  # noqa: N818 -- a verdict, like PermissionDenied
    """Too many failed logins: wait ``retry_after`` seconds (HTTP 429)."""


class LoginThrottle:
    """At most ``limit`` failed logins per key (user name, client) in ``window`` seconds."""

    def __init__(self, *, limit: int = 5, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._failures.setdefault(key, deque())
        while seen and seen[0] <= now - self._window:
            seen.popleft()
        return seen

    def retry_after(self, *keys: str) -> float:
        """Seconds to wait before another attempt (0 when allowed)."""
        now = self._clock()
        with self._lock:
            waits = [self._window - (now - seen[0]) for seen in
                     (self._recent(k, now) for k in keys) if len(seen) >= self._limit]
        return max(waits, default=0.0)

    def check(self, *keys: str) -> None:
        """Raise :class:`TooManyAttempts` while any key is over its limit."""
        wait = self.retry_after(*keys)
        if wait > 0:
            raise TooManyAttempts("too many failed logins: wait and try again",
                                  field="username", retry_after=max(1, round(wait)))

    def failed(self, *keys: str) -> None:
        """Record a failed attempt under each key."""
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of a key after a good login."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
