"""Privacy on the way in: children's identifiers become keyed hashes, dates of birth become months.

**The key.** Each store has its own secret: 32 random bytes in a file beside the store file
(``qa.duckdb.pseudonym-key`` beside ``qa.duckdb``), created on the first Annex A import with
permissions 0600 (readable by the account that runs the dashboard only), and never written into the
store. A child's pseudonym is HMAC-SHA256(key, their Child Unique ID), cut to 16 hex characters
(64 bits: two of a million children share one with a chance of about 1 in 37 million). So:

- the same child has the same pseudonym in every list and every load into this store, so a referral
  in March is matched with the one in May;
- a copy of the store file alone (a backup, a laptop) cannot be reversed by hashing every plausible
  ID: without the key the pseudonyms are random strings;
- the key identifies nobody by itself, but with the store it would let someone test a guessed ID, so
  keep it as you keep the store (backed up separately, encrypted, never in a ticket or an email).

If the key is lost, the children's records already held cannot be matched with new loads: an import
into a store that holds Annex A records but whose key is missing is refused (restore the key).

A store in memory (the tests) keeps its key in memory, for as long as that store object lives.
Names of children are never read (``spec`` reads no name column), so never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qa_core.errors import QAError

__all__ = ["PseudonymKey", "key_path", "load_key", "pseudonymise", "birth_month", "KEY_SUFFIX", "PSEUDONYM_CHARS"]

KEY_SUFFIX = ".pseudonym-key"
PSEUDONYM_CHARS = 16
_KEY_BYTES = 32
_IN_MEMORY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class PseudonymKey:
    """The store's secret and where it lives; ``new`` until ``save`` has written it."""

    secret: bytes
    path: Path | None
    new: bool = False
    warning: str | None = None

    def save(self) -> str | None:
        """Write a new key to its file (0600, never over an existing one); a sentence for the report."""
        if not self.new or self.path is None:
            return None
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            raise QAError(
                f"A pseudonym key appeared at {self.path} while this import ran (another import?). "
                "Nothing was imported: load the workbook again."
            ) from None
        except OSError as exc:
            raise QAError(
                f"Could not write the pseudonym key {self.path}: {exc.strerror or exc}. Nothing was imported."
            ) from None
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(self.secret.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.new = False
        return (
            f"A new pseudonym key was made for this store at {self.path} (readable by this account only). "
            "Back it up apart from the store: without it, new loads cannot be matched with the children's "
            "records held."
        )


def key_path(store_path: str | Path) -> Path | None:
    """The key file beside a store file (None for a store in memory)."""
    if str(store_path) == ":memory:":
        return None
    path = Path(store_path)
    return path.with_name(path.name + KEY_SUFFIX)


def load_key(store: object, store_path: str | Path, holds_records: bool) -> PseudonymKey:
    """The store's key: read from its file, or a new one (written only by ``save``, on a real import).

    Refused when the store already holds pseudonymised records but its key file is missing: a new key
    would give the same children new pseudonyms.
    """
    path = key_path(store_path)
    if path is None:
        secret = _IN_MEMORY.get(store)
        if secret is None:
            secret = secrets.token_bytes(_KEY_BYTES)
            _IN_MEMORY[store] = secret
        return PseudonymKey(secret, None)
    if path.is_symlink():
        raise QAError(f"The pseudonym key {path} is a symbolic link: it must be a plain file beside the store.")
    if not path.exists():
        if holds_records:
            raise QAError(
                f"This store holds children's Annex A records, but its pseudonym key ({path}) is missing, so the "
                "same children could not be matched with them. Restore the key file from its backup beside the "
                "store and load the workbook again. Nothing was imported."
            )
        return PseudonymKey(secrets.token_bytes(_KEY_BYTES), path, new=True)
    try:
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError):
        raise QAError(
            f"The pseudonym key {path} cannot be read (it should hold 64 hexadecimal characters). "
            "Restore it from its backup. Nothing was imported."
        ) from None
    if len(secret) != _KEY_BYTES:
        raise QAError(
            f"The pseudonym key {path} is not a key this dashboard made (it should hold 64 hexadecimal "
            "characters). Restore it from its backup. Nothing was imported."
        )
    warning = None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        warning = (
            f"The pseudonym key {path} can be read by other accounts (permissions {mode:o}): make it "
            f"readable by this account only (chmod 600 {path.name})."
        )
    return PseudonymKey(secret, path, warning=warning)


def pseudonymise(ids: Iterable[str | None], key: PseudonymKey) -> list[str | None]:
    """Each identifier's keyed hash (None stays None); each distinct identifier is hashed once."""
    done: dict[str, str] = {}
    out: list[str | None] = []
    for ident in ids:
        if ident is None or (isinstance(ident, float) and np.isnan(ident)):
            out.append(None)
            continue
        found = done.get(ident)
        if found is None:
            digest = hmac.new(key.secret, b"annex-a-child:" + str(ident).encode("utf-8"), hashlib.sha256)
            found = digest.hexdigest()[:PSEUDONYM_CHARS]
            done[ident] = found
        out.append(found)
    return out


def birth_month(dates: pd.Series) -> pd.Series:
    """Dates of birth kept as the first of their month (the day is dropped)."""
    stamps = pd.to_datetime(dates)
    return stamps.dt.to_period("M").dt.to_timestamp()
