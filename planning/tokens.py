"""Secret tokens for URLs used without a session (review links, calendar feeds).

Only a SHA-256 hash is stored: a database leak reveals no usable URL. The tokens carry 256 random
bits, so a fast unsalted hash is enough (nothing to brute-force, unlike a password).
"""

import hashlib
import secrets


def new_token():
    """(token, its hash): the token goes in the URL shown once, the hash in the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
