"""Encryption of personal data at rest, and the blind index that finds it again.

ID numbers are stored as Fernet tokens (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package), never in clear; an exact search compares a keyed HMAC-SHA256 of
the normalised value (the blind index), so the database alone neither reveals a number nor
lets anyone test a guess against it.

The keys live apart from the database: `DATA_DIR/data_keys` (created 0600 on first start
by kefu/settings.py), or the `KEFU_DATA_KEYS` environment variable when several machines
serve. Both hold whitespace- or comma-separated entries:

    index:<43 characters>    the blind-index key (one; it is never rotated)
    key:<44 characters>      a Fernet key: the first one encrypts, every one decrypts

No ORM here: the services and `kefu datakeys` use these functions on plain strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from binascii import b2a_base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "DataKeys",
    "blind_index",
    "blind_indexer",
    "data_keys",
    "decrypt",
    "encrypt",
    "encrypt_many",
    "encrypter",
    "generate_index_key",
    "is_current",
    "keys_file_write",
    "keys_text",
    "new_key",
    "parse_keys",
    "reencrypt",
]

_SEPARATORS = re.compile(r"[\s,]+")
_URLSAFE = bytes.maketrans(b"+/", b"-_")


@dataclass(frozen=True)
class DataKeys:
    index_key: bytes
    # The raw Fernet keys, the one that encrypts first.
    keys: tuple[str, ...]

    @property
    def fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self.keys])

    @property
    def current(self) -> Fernet:
        return Fernet(self.keys[0])


def generate_index_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def new_key() -> str:
    return Fernet.generate_key().decode()


def keys_file_write(path: Path, keys: DataKeys) -> None:
    """Replace the key file at once (readable by its owner only): a crash leaves the old
    file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(keys_text(keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def keys_text(keys: DataKeys) -> str:
    """The file's content for these keys."""
    index = base64.urlsafe_b64encode(keys.index_key).decode().rstrip("=")
    lines = [
        "# kefu's data keys (docs/security.md): keep this file with kefu, never beside the",
        "# database's backups. The first key: line encrypts; every key: line decrypts.",
        f"index:{index}",
        *(f"key:{key}" for key in keys.keys),
    ]
    return "\n".join(lines) + "\n"


def parse_keys(text: str) -> DataKeys:
    index_key: bytes | None = None
    keys: list[str] = []
    for line in text.splitlines():
        for entry in _SEPARATORS.split(line.split("#", 1)[0].strip()):
            if not entry:
                continue
            kind, _colon, value = entry.partition(":")
            if kind == "index" and index_key is None:
                index_key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            elif kind == "key":
                try:
                    Fernet(value)
                except ValueError as error:
                    raise ImproperlyConfigured(
                        "kefu data keys: a key: entry is not a Fernet key"
                    ) from error
                keys.append(value)
            else:
                raise ImproperlyConfigured(f"kefu data keys: unknown entry {kind!r}")
    if index_key is None or len(index_key) < 32:
        raise ImproperlyConfigured("kefu data keys: no index: entry of 32 bytes")
    if not keys:
        raise ImproperlyConfigured("kefu data keys: no key: entry")
    return DataKeys(index_key=index_key, keys=tuple(keys))


class _Loaded:
    """The keys of this process, read again when the file changes (`kefu datakeys rotate`
    puts a new key first while kefu runs)."""

    lock = threading.Lock()
    stamp: tuple[str, int, int] | None = None
    keys: DataKeys | None = None


def data_keys() -> DataKeys:
    configured: str = getattr(settings, "KEFU_DATA_KEYS", "")
    path = Path(settings.KEFU_DATA_KEYS_FILE)
    if configured:
        stamp = ("env", hash(configured), 0)
    else:
        try:
            status = os.stat(path)
            stamp = (str(path), status.st_ino, status.st_mtime_ns)
        except FileNotFoundError as error:
            raise ImproperlyConfigured(f"kefu data keys: {path} is missing") from error
    with _Loaded.lock:
        if _Loaded.stamp != stamp or _Loaded.keys is None:
            _Loaded.keys = parse_keys(configured or path.read_text())
            _Loaded.stamp = stamp
        return _Loaded.keys


def encrypt(value: str) -> str:
    """The token of a value under the current key; the empty value stays empty."""
    if not value:
        return ""
    return data_keys().current.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return data_keys().fernet.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "kefu data keys: a stored value opens with none of the keys (KEFU_DATA_KEYS or "
            "DATA_DIR/data_keys is not the set this database was written with)"
        ) from error


def is_current(token: str) -> bool:
    """Whether the token was written with the key that encrypts now."""
    if not token:
        return True
    try:
        data_keys().current.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same value under the current key."""
    if not token:
        return ""
    return data_keys().fernet.rotate(token.encode()).decode()


def blind_index(value: str, *, purpose: str = "id_number") -> str:
    """A keyed digest of the value for exact search; the empty value has none."""
    if not value:
        return ""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(data_keys().index_key, message, hashlib.sha256).hexdigest()


def encrypter() -> Callable[[str], str]:
    """`encrypt` for many values (an import's batch): the current key is looked up once,
    not once a value. The tokens are the same Fernet tokens."""
    current = data_keys().current

    def encrypt_one(value: str) -> str:
        return current.encrypt(value.encode()).decode() if value else ""

    return encrypt_one


def blind_indexer(*, purpose: str = "id_number") -> Callable[[str], str]:
    """`blind_index` for many values: the same digests, the keyed HMAC prepared once."""
    digest = _hmac_sha256(data_keys().index_key, f"{purpose}\x00".encode())

    def index_one(value: str) -> str:
        if not value:
            return ""
        return digest(value.encode()).hex()

    return index_one


def _hmac_sha256(key: bytes, prefix: bytes = b"") -> Callable[[bytes], bytes]:
    """HMAC-SHA256 under `key` of `prefix` + a message, for many messages: RFC 2104's
    inner and outer hashes keyed once and copied for each message, the digests `hmac`
    gives (test_encryption checks), in half the time of an `hmac` object copied and
    a third of `hmac.digest`, which looks the algorithm up again on every call."""
    block = (
        key.ljust(64, b"\x00")
        if len(key) <= 64
        else hashlib.sha256(key).digest().ljust(64, b"\x00")
    )
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    inner.update(prefix)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(message: bytes) -> bytes:
        first = inner.copy()
        first.update(message)
        second = outer.copy()
        second.update(first.digest())
        return second.digest()

    return digest


def encrypt_many(values: Sequence[str]) -> list[str]:
    """`encrypt` for a batch (an import's thousands of ID numbers): the same Fernet tokens
    under the current key, several times faster than one `Fernet.encrypt` a value, which
    builds a cipher, a padder and an HMAC object for each. Fernet's own construction
    (https://github.com/fernet/spec): AES-128-CBC of the PKCS7-padded value under a fresh
    random IV, then HMAC-SHA256 of version, timestamp, IV and ciphertext, base64url. The
    CBC chain is computed a block position at a time for the whole batch: the values of
    one padded length form a column, each block XORed with the previous ciphertext block
    (the IV for the first) and encrypted under AES in one call for the column."""
    raw = base64.urlsafe_b64decode(data_keys().keys[0])
    return _fernet_tokens(raw[:16], raw[16:], values, int(time.time()), os.urandom)


def _fernet_tokens(
    signing_key: bytes,
    encryption_key: bytes,
    values: Sequence[str],
    now: int,
    random_bytes: Callable[[int], bytes],
) -> list[str]:
    tokens = [""] * len(values)
    by_length: dict[int, list[tuple[int, bytes]]] = {}
    for position, value in enumerate(values):
        if value:
            data = value.encode()
            pad = 16 - len(data) % 16
            by_length.setdefault(len(data) + pad, []).append((position, data + bytes((pad,)) * pad))
    head = b"\x80" + now.to_bytes(8, "big")
    sign = _hmac_sha256(signing_key)
    aes = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()  # noqa: S305 (CBC, chained here)
    for length, members in by_length.items():
        size = 16 * len(members)
        ivs = random_bytes(size)
        previous = ivs
        columns = []
        for start in range(0, length, 16):
            plain = b"".join(padded[start : start + 16] for _position, padded in members)
            chained = int.from_bytes(plain, "big") ^ int.from_bytes(previous, "big")
            previous = aes.update(chained.to_bytes(size, "big"))
            columns.append(previous)
        # Each value's blocks, the columns cut a block a value, and its token: base64url
        # as urlsafe_b64encode writes it, the steps of it taken here.
        blocks = [[column[at : at + 16] for at in range(0, size, 16)] for column in columns]
        starts = [ivs[at : at + 16] for at in range(0, size, 16)]
        for (position, _padded), iv, *cipher in zip(members, starts, *blocks, strict=True):
            body = b"".join((head, iv, *cipher))
            signed = b2a_base64(body + sign(body), newline=False)
            tokens[position] = signed.translate(_URLSAFE).decode()
    return tokens
