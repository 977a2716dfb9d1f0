"""Human-friendly secret codes: invitation codes for letters and resume codes.

The alphabet leaves out 0/O and 1/I (and L), so a code copied from paper is not
misread. Ten characters of a 31-letter alphabet carry 49.5 bits; resume codes have
twelve (59 bits). Codes are drawn with ``secrets``, so they cannot be guessed, and
stored in their normalised form (upper case, no separators).
"""

from __future__ import annotations

import hashlib
import math
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITATION_LENGTH = 10
RESUME_LENGTH = 12
GROUP = 5


def entropy_bits(length: int) -> float:
    return length * math.log2(len(ALPHABET))


def new_code(length: int = INVITATION_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(raw: str) -> str:
    """What the user typed, as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def display(code: str, group: int = GROUP) -> str:
    """``ABCDE-FGHJK``: grouped for reading aloud and typing."""
    return "-".join(code[i : i + group] for i in range(0, len(code), group))


def token_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()
