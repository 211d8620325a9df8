"""Users, password hashes, bearer tokens, API tokens and the login throttle."""

from __future__ import annotations

import pytest

from reunite.errors import AuthenticationError, ConflictError, InputError, PermissionDenied
from reunite.governance.roles import Actor, Role
from reunite.services import auth
from reunite.storage.crypto import MasterKey
from reunite.storage.repositories import SqlStore
from support.service_world import ADMIN, LAB


class TestUsers:
    def test_authenticate__right_password_gives_the_roles(self, store: SqlStore) -> None:
        auth.create_user(store, ADMIN, username="alice", password="correct horse",
                         roles=["case-worker", "reviewer"])

        actor = auth.authenticate(store, "alice", "correct horse")

        assert actor == Actor.of("alice", [Role.CASE_WORKER, Role.REVIEWER])

    def test_authenticate__wrong_password_and_unknown_user_read_the_same(
            self, store: SqlStore) -> None:
        auth.create_user(store, ADMIN, username="bob", password="correct horse",
                         roles=["lab-analyst"])

        with pytest.raises(AuthenticationError) as wrong:
            auth.authenticate(store, "bob", "wrong horse!")
        with pytest.raises(AuthenticationError) as unknown:
            auth.authenticate(store, "nobody", "wrong horse!")

        assert wrong.value.message == unknown.value.message

    def test_password__stored_only_as_argon2id(self, store: SqlStore) -> None:
        digest = auth.hash_password("correct horse")

        assert digest.startswith("$argon2id$")
        assert "correct horse" not in digest
        assert auth.verify_password(digest, "correct horse")
        assert not auth.verify_password(digest, "correct hors")

    def test_create_user__needs_manage_users(self, store: SqlStore) -> None:
        with pytest.raises(PermissionDenied):
            auth.create_user(store, LAB, username="eve", password="0123456789",
                             roles=["admin"])

    def test_create_user__short_password_and_unknown_role_refused(self,
                                                                  store: SqlStore) -> None:
        with pytest.raises(InputError, match="at least 10"):
            auth.create_user(store, ADMIN, username="c", password="short", roles=["admin"])
        with pytest.raises(InputError, match="unknown role") as err:
            auth.create_user(store, ADMIN, username="c", password="0123456789",
                             roles=["superuser"])

        assert err.value.field == "roles"

    def test_first_admin__only_on_an_empty_installation(self, store: SqlStore) -> None:
        auth.create_first_admin(store, username="root", password="0123456789")

        with pytest.raises(ConflictError):
            auth.create_first_admin(store, username="root2", password="0123456789")
        assert auth.has_users(store)


class TestTokens:
    def test_token__round_trips_until_it_expires(self) -> None:
        now = [1_000_000.0]
        issuer = auth.TokenIssuer(MasterKey.generate(), minutes=30, clock=lambda: now[0])
        actor = Actor.of("alice", [Role.REVIEWER])

        issued = issuer.issue(actor)
        before = issuer.verify(issued.token)
        now[0] += 30 * 60

        assert before == actor
        assert issued.expires_in == 1800
        with pytest.raises(AuthenticationError, match="expired"):
            issuer.verify(issued.token)

    def test_token__other_key_or_altered_claims_refused(self) -> None:
        issuer = auth.TokenIssuer(MasterKey.generate(), minutes=5)
        other = auth.TokenIssuer(MasterKey.generate(), minutes=5)
        token = issuer.issue(Actor.of("lab", [Role.LAB_ANALYST])).token
        body, _, signature = token.partition(".")
        forged_body = auth._b64(auth._unb64(body).replace(b"lab-analyst", b"admin\"  "))

        with pytest.raises(AuthenticationError):
            other.verify(token)
        with pytest.raises(AuthenticationError):
            issuer.verify(f"{forged_body}.{signature}")

    def test_api_token__authenticates_as_the_instrument(self, store: SqlStore) -> None:
        token = auth.create_api_token(store, ADMIN, name="plate-reader", roles=["lab-analyst"])

        actor = auth.authenticate_api_token(store, token)

        assert actor == Actor.of("api:plate-reader", [Role.LAB_ANALYST])
        with pytest.raises(AuthenticationError):
            auth.authenticate_api_token(store, token + "x")
        with pytest.raises(AuthenticationError):  # an API account cannot log in by password
            auth.authenticate(store, "api:plate-reader", token.partition(".")[2])


class TestThrottle:
    def test_throttle__blocks_after_limit_and_forgets_after_window(self) -> None:
        now = [0.0]
        throttle = auth.LoginThrottle(limit=3, window=60.0, clock=lambda: now[0])
        for _ in range(3):
            throttle.check("user:a")
            throttle.failed("user:a")

        with pytest.raises(auth.TooManyAttempts) as blocked:
            throttle.check("user:a")
        throttle.check("user:b")
        now[0] = 60.5
        throttle.check("user:a")

        assert blocked.value.retry_after == 60
