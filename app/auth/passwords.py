"""argon2id hashing with a cap on how many run at once: each takes ~75 ms on this machine's cores and
~64 MiB of memory, so a burst of logins must queue rather than exhaust the machine."""

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

# 64 MiB, 4 lanes, 2 passes: above OWASP's argon2id floors (e.g. 46 MiB × 1 pass, 19 MiB × 2), and a
# verify stays under the 100 ms a sign-in may cost (bench/login.py: ~110 ms with argon2-cffi's default of
# 3 passes, ~75 ms with 2). Hashes made with other settings are re-made at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=64 * 1024, parallelism=4)
_slots = threading.BoundedSemaphore(2)
# A real hash to verify against when the account is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("ascent-timing-equaliser")


def set_concurrency(limit: int) -> None:
    global _slots
    _slots = threading.BoundedSemaphore(max(1, limit))


def hash_password(password: str) -> str:
    with _slots:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    with _slots:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """A reason the password is refused, or None. Kept short: length beats composition rules."""
    from flask_babel import gettext as _

    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    if password.strip() == "" or len(set(password)) < 3:
        return _("Choose a password that is harder to guess.")
    return None
