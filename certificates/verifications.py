"""The verification page at the speed of a cached page (issue 20.1): one indexed database read and one Redis round
trip per look-up, no database write.

Every look-up of /verify/<number>/ (and /verify/?number=) does:

1. **One database read** of the certificate's facts by number (or of a placeholder for a malformed number, so unknown,
   mistyped and malformed numbers cost the same). The database is the truth: nothing has to be invalidated when a
   certificate is revoked, reissued or its name display changes — the next request of every process reads the new
   facts.
2. **One Redis round trip** (a Lua script, atomic): the client's rate-limit counter (INCR; over the limit → 429 and
   nothing else happens), then the rendered answer stored under a key made from those facts (status, revocation and
   reissue times, the name as shown, course, dates, signature state, the typed number, the view) and, when that answer
   is there and was made with the current issuer name, the count of this look-up (HINCRBY on the pending hash).
   A changed fact is a different key, so an answer made before a change can never be served after it.
3. On a miss (first look-up of these facts, a signed-in user, a signature that is not the stored one): the full
   verification (signature checked), the page rendered, and one more round trip storing it with the count.

Counts live in Redis until `flush_verification_counts` (Celery beat, every VERIFICATION_FLUSH_SECONDS) writes them as
`CertificateVerification` rows (one per certificate, channel and minute, with a count). The flush renames the
pending hash to a batch of its own (atomic; new look-ups go to a fresh hash), writes the batch's rows in one
transaction, then deletes the batch. Each row carries the batch name and is unique with it, so a flush killed after
its commit and retried, or two flushes at once, write a batch once.

Without Redis (no CACHE_URL: development, the embedded SQLite default) or while it does not answer (lms/cache.py falls
back to per-process memory), the rate limit is counted by the Django cache (per process while Redis is away), answers
are kept in that cache under the same fact keys, and counts go to a per-process buffer written to the database at most
every LOCAL_FLUSH_SECONDS by the next look-up, by the flush task and at process exit. What is lost: a process killed
hard (SIGKILL, OOM) loses the counts of its last second; a Redis that loses its data (FLUSHDB, a restart without
persistence, eviction under memory pressure) loses the counts since the last flush. docs/certificate-verification.md.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import logging
import threading
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum

from lms.cache import REDIS_ERRORS

from .selectors import ISSUER_NAME_CACHE_KEY

logger = logging.getLogger(__name__)

# Bump when what an answer shows changes in a way its facts do not capture (template, wording): old answers are
# then never read again and expire.
ANSWER_VERSION = 4
ANSWER_SECONDS = 600
PENDING_KEY = "certificates:verifications:pending"
BATCHES_KEY = "certificates:verifications:batches"
BATCH_PREFIX = "certificates:verifications:batch:"
RATE_PREFIX = "certificates:verify-rate"
LOCAL_FLUSH_SECONDS = 1.0
LOCAL_BUFFER_LIMIT = 100_000  # distinct (certificate, channel, minute) cells kept while the database cannot be written

# The facts an answer is made of. A mistyped or malformed number is looked up as a placeholder no number can be.
FACT_FIELDS = (
    "pk",
    "number",
    "status",
    "revoked_at",
    "reissued_at",
    "holder_name",
    "holder_furigana",
    "name_display",
    "course_title",
    "curriculum_version",
    "issued_at",
    "workshop_id",
    "key_id",
    "signature",
    "personal_data_erased_at",
)
PLACEHOLDER = "MALFORMED"

# KEYS: 1 the client's rate counter, 2 the pending counts hash, 3 the issuer name, 4 the answer.
# ARGV: 1 limit, 2 window seconds, 3 the count field ("" = nothing to count), 4 "1" = read the answer.
# Returns {n} when over the limit or no answer is wanted, {n, answer} otherwise (answer false on a miss). An answer
# is "C" or "N" (count it or not), 8 hex digits of the issuer name's length, the issuer name as cached, the page;
# it is used (and counted) only when that issuer name is the one cached now.
_LUA = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) or ARGV[4] ~= '1' then return {n} end
local answer = redis.call('GET', KEYS[4])
if not answer then return {n, false} end
local issuer = redis.call('GET', KEYS[3])
local length = tonumber(string.sub(answer, 2, 9), 16)
if (not issuer) or (not length) or string.sub(answer, 10, 9 + length) ~= issuer then return {n, false} end
if string.sub(answer, 1, 1) == 'C' and ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
return {n, answer}
"""

# Takes the pending hash away from writers as a batch of its own, remembered in the set of batches to write.
_LUA_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""


# --- Where counts and answers go ---------------------------------------------------------------------------------


def _redis():
    """The raw redis-py client of the default cache, or None without Redis or while it does not answer."""
    if not hasattr(cache, "redis_available") or not cache.redis_available:
        return None
    return cache.client.get_client(write=True)


def _redis_failed(exc: BaseException) -> None:
    mark = getattr(cache, "_mark_down", None)
    if mark is not None:
        mark(exc)
    else:  # pragma: no cover - only FallbackRedisCache has a raw client here
        logger.warning("Verification: Redis did not answer (%s).", type(exc).__name__)


_scripts: dict = {}


def _script(client, source: str):
    script = _scripts.get((id(client), source))
    if script is None:
        script = _scripts[(id(client), source)] = client.register_script(source)
    return script


def _key(name: str) -> str:
    return cache.make_key(name)


# --- The rate limit -----------------------------------------------------------------------------------------------


def _rate(rate: str | None = None) -> tuple[int, int]:
    from .ratelimit import parse_rate

    return parse_rate(rate or settings.CERTIFICATE_VERIFY_RATE)


def _rate_key(request, seconds: int) -> str:
    """The client's counter of this window. The verification page and the API's single look-up share it."""
    from .ratelimit import client_key

    client = hashlib.sha256(client_key("certificates.verify", request).encode()).hexdigest()[:32]
    return f"{RATE_PREFIX}:{seconds}:{int(time.time()) // seconds}:{client}"


def _count_locally_over_limit(request, rate: str | None = None) -> bool:
    limit, seconds = _rate(rate)
    key = _rate_key(request, seconds)
    cache.add(key, 0, timeout=seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        used = 1
    return used > limit


def over_verify_limit(request, rate: str | None = None) -> bool:
    """Count one look-up against the client's limit (settings.CERTIFICATE_VERIFY_RATE); True when it is over."""
    client = _redis()
    if client is not None:
        limit, seconds = _rate(rate)
        try:
            n = _script(client, _LUA)(keys=[_key(_rate_key(request, seconds)), "", "", ""], args=[limit, seconds + 1, "", "0"])
            return int(n[0]) > limit
        except REDIS_ERRORS as exc:
            _redis_failed(exc)
    return _count_locally_over_limit(request, rate)


# --- Counting -----------------------------------------------------------------------------------------------------


def _minute(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // 60)


def _field(certificate_id: int, channel: str, minute: int) -> str:
    return f"{certificate_id}:{channel}:{minute}"


class _LocalBuffer:
    """Counts of this process while there is no Redis to count in (see the module doc)."""

    def __init__(self):
        self.cells: dict[tuple[int, str, int], int] = {}
        self.lock = threading.Lock()
        self.flushed_at = time.monotonic()
        self.dropped = 0

    def add(self, cells: dict[tuple[int, str, int], int]) -> None:
        with self.lock:
            for cell, n in cells.items():
                if cell not in self.cells and len(self.cells) >= LOCAL_BUFFER_LIMIT:
                    self.dropped += n
                    continue
                self.cells[cell] = self.cells.get(cell, 0) + n
        self._report_dropped()
        self.flush_if_due()

    def flush_if_due(self) -> None:
        if self.cells and time.monotonic() - self.flushed_at >= LOCAL_FLUSH_SECONDS:
            self.flush()

    def _report_dropped(self) -> None:
        if self.dropped:
            logger.error("Verification counts: %s look-ups dropped (the database could not be written).", self.dropped)
            self.dropped = 0

    def take(self) -> dict:
        with self.lock:
            cells, self.cells = self.cells, {}
            self.flushed_at = time.monotonic()
        return cells

    def flush(self) -> int:
        cells = self.take()
        if not cells:
            return 0
        try:
            return _write_cells(cells, batch="")
        except Exception:
            logger.exception("Verification counts could not be written; kept for the next try.")
            with self.lock:
                for cell, n in cells.items():
                    self.cells[cell] = self.cells.get(cell, 0) + n
            return 0

    def discard(self) -> None:
        with self.lock:
            self.cells = {}


_local = _LocalBuffer()
atexit.register(lambda: _local.flush())


def flush_local_counts() -> int:
    """Write this process's unwritten counts now (there are some only without Redis or while it was away)."""
    return _local.flush()


def discard_local_counts() -> None:
    """Tests: forget this process's unwritten counts (their certificates were rolled back)."""
    _local.discard()


def count_verifications(certificate_ids, channel: str) -> None:
    """Count one look-up of each certificate (a set: a bulk look-up counts a certificate once)."""
    ids = sorted(set(certificate_ids))
    if not ids:
        return
    minute = _minute()
    client = _redis()
    if client is not None:
        try:
            pipe = client.pipeline(transaction=False)
            for pk in ids:
                pipe.hincrby(_key(PENDING_KEY), _field(pk, channel, minute), 1)
            pipe.execute()
            return
        except REDIS_ERRORS as exc:
            _redis_failed(exc)
    _local.add({(pk, str(channel), minute): 1 for pk in ids})


def _write_cells(cells: dict[tuple[int, str, int], int], *, batch: str) -> int:
    """Rows for counted cells, in one transaction; cells of certificates deleted since are dropped. With a batch
    name, rows already written for that batch are left as they are (a retried flush adds nothing)."""
    from .models import Certificate, CertificateVerification

    with transaction.atomic():
        if batch and CertificateVerification.objects.filter(batch=batch).exists():
            return 0  # written by an earlier flush that did not get to delete the batch (rows of a batch commit together)
        existing = set(Certificate.objects.filter(pk__in={pk for pk, _c, _m in cells}).values_list("pk", flat=True))
        rows = [
            CertificateVerification(
                certificate_id=pk,
                channel=channel,
                verified_at=datetime.fromtimestamp(minute * 60, tz=UTC),
                count=n,
                batch=batch,
            )
            for (pk, channel, minute), n in sorted(cells.items())
            if pk in existing and n > 0
        ]
        CertificateVerification.objects.bulk_create(rows, ignore_conflicts=bool(batch), batch_size=500)
    return sum(row.count for row in rows)


def _parse(raw: dict) -> dict[tuple[int, str, int], int]:
    cells = {}
    for field, value in raw.items():
        try:
            pk, channel, minute = (field.decode() if isinstance(field, bytes) else field).split(":")
            cells[(int(pk), channel, int(minute))] = int(value)
        except ValueError:
            logger.warning("Verification counts: field %r ignored.", field)
    return cells


def _write_batch(client, name: str) -> int:
    raw = client.hgetall(name)
    written = _write_cells(_parse(raw), batch=name.rsplit(":", 1)[-1]) if raw else 0
    # Only after the rows are committed: a flush killed before this line writes nothing twice (the batch's rows
    # exist), one killed before the commit writes the whole batch next time.
    client.delete(name)
    client.srem(_key(BATCHES_KEY), name)
    return written


def flush_verification_counts() -> int:
    """Write the counted look-ups to the database (Celery beat; idempotent). Returns how many look-ups were written."""
    written = _local.flush()
    client = _redis()
    if client is None:
        return written
    try:
        for name in sorted(m.decode() for m in client.smembers(_key(BATCHES_KEY))):
            written += _write_batch(client, name)  # batches a killed flush left behind
        name = _key(BATCH_PREFIX + uuid.uuid4().hex)
        if _script(client, _LUA_TAKE)(keys=[_key(PENDING_KEY), name, _key(BATCHES_KEY)]):
            written += _write_batch(client, name)
    except REDIS_ERRORS as exc:
        _redis_failed(exc)
        logger.warning("Verification counts stay in Redis until the next flush (%s).", type(exc).__name__)
    return written


def counted_verifications(certificate) -> int:
    """Look-ups of a certificate written to the database so far."""
    return certificate.verifications.aggregate(n=Sum("count"))["n"] or 0


# --- Answers ------------------------------------------------------------------------------------------------------


_statements: dict = {}


def _statement():
    """The facts read as one prepared SQL string (the ORM spent ~1.5 ms building this query on every look-up; the
    query itself takes ~0.1 ms): every column of the certificate, and what turns a row into a model instance."""
    from django.db import connection

    from .models import Certificate

    statement = _statements.get(connection.vendor)
    if statement is None:
        quote = connection.ops.quote_name
        meta = Certificate._meta
        fields = list(meta.concrete_fields)
        # Quoted names from the model's own meta; the number is a parameter.
        columns = ", ".join(quote(f.column) for f in fields)
        where = quote(meta.get_field("number").column)
        sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where} = %s LIMIT 1"  # noqa: S608
        converters = []
        for i, field in enumerate(fields):
            column = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((i, found, column))
        names = [f.attname for f in fields]
        facts = [names.index("id" if name == "pk" else name) for name in FACT_FIELDS]
        statement = _statements[connection.vendor] = (sql, names, converters, facts)
    return statement


def read_row(number: str | None):
    """The row of the certificate with this canonical number (one indexed read, no join), or None. A malformed or
    mistyped number is looked up as a placeholder: the same query whatever was typed."""
    from django.db import connection

    sql, _names, _converters, _facts = _statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [number or PLACEHOLDER])
        return cursor.fetchone()


def facts_of(row) -> dict:
    """The facts of a row, as the database returned them (what an answer's key is made of)."""
    _sql, _names, _converters, indexes = _statement()
    return {name: row[i] for name, i in zip(FACT_FIELDS, indexes, strict=True)}


def certificate_of(row):
    """The model instance of a row (the ORM's converters applied)."""
    from django.db import connection

    from .models import Certificate

    _sql, names, converters, _facts = _statement()
    values = list(row)
    for i, found, column in converters:
        for convert in found:
            values[i] = convert(values[i], column, connection)
    return Certificate.from_db(connection.alias, names, values)


def read_facts(number: str | None) -> dict | None:
    row = read_row(number)
    return facts_of(row) if row is not None else None


def signature_state(facts: dict, signature: str | None) -> str | None:
    """"none" (no signature given), "stored" (the one on record), or None (another one: checked every time)."""
    if signature is None:
        return "none"
    if signature and hmac.compare_digest(signature.encode(), (facts["signature"] or "").encode()):
        return "stored"
    return None


_keysets: dict = {}


def keyset_fingerprint() -> str:
    """The ids of every key a signature may verify with: which keys are accepted is part of an answer's facts."""
    from . import signing

    current = signing.get_signing_key().kid
    previous = tuple(getattr(settings, "CERTIFICATE_PREVIOUS_PUBLIC_KEYS", []) or [])
    fingerprint = _keysets.get((current, previous))
    if fingerprint is None:
        fingerprint = _keysets[(current, previous)] = ",".join(sorted(signing.public_keys()))
    return fingerprint


def answer_key(facts: dict, *, state: str, typed: str, view: str) -> str:
    # repr of str / int / None / datetime values (as the database returned them) is exact and stable.
    parts = (ANSWER_VERSION, keyset_fingerprint(), view, typed, state, *(facts[name] for name in FACT_FIELDS))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"certificates:verify-answer:{digest}"


def _issuer_raw(client) -> bytes:
    """The issuer name as the cache stores it (what the Lua script compares an answer's issuer with)."""
    from .selectors import get_issuer_name

    return cache.client.encode(get_issuer_name())


def _pack(counted: bool, issuer: bytes, content: bytes) -> bytes:
    return (b"C" if counted else b"N") + f"{len(issuer):08x}".encode() + issuer + content


def _unpack(answer: bytes) -> bytes:
    return answer[9 + int(answer[1:9], 16):]


class Lookup:
    """One look-up's round trip: rate limit, the stored answer (when it can be reused) and its count."""

    def __init__(self, request, *, row, facts: dict | None, key: str | None, channel: str):
        self.request = request
        self.row = row
        self.facts = facts
        self.key = key
        self.field = _field(facts["pk"], str(channel), _minute()) if facts else ""
        self.channel = str(channel)
        self.client = _redis()
        self.over_limit = False
        self.content: bytes | None = None
        self._ask()

    def _ask(self) -> None:
        limit, seconds = _rate()
        rate_key = _rate_key(self.request, seconds)
        if self.client is not None:
            try:
                keys = [_key(rate_key), _key(PENDING_KEY), _key(ISSUER_NAME_CACHE_KEY), _key(self.key or "-")]
                reply = _script(self.client, _LUA)(keys=keys, args=[limit, seconds + 1, self.field, "1" if self.key else "0"])
                self.over_limit = int(reply[0]) > limit
                if not self.over_limit and len(reply) > 1 and reply[1]:
                    self.content = _unpack(reply[1])
                return
            except REDIS_ERRORS as exc:
                _redis_failed(exc)
                self.client = None
        self.over_limit = _count_locally_over_limit(self.request)
        if self.over_limit or not self.key:
            return
        from .selectors import get_issuer_name

        stored = cache.get(self.key)
        if stored is not None and stored[1] == get_issuer_name():
            counted, _issuer, self.content = stored
            if counted:
                _local.add({(self.facts["pk"], self.channel, _minute()): 1})

    def certificate(self):
        """The certificate as read for this look-up (None for an unknown number): what a miss renders."""
        return certificate_of(self.row) if self.row is not None else None

    def store(self, content: bytes, *, counted: bool, certificate) -> None:
        """After a miss: keep the answer rendered from this look-up's row under the key made of that row, and count."""
        key = self.key
        field = _field(certificate.pk, self.channel, _minute())
        if self.client is not None:
            try:
                pipe = self.client.pipeline(transaction=False)
                if key:
                    pipe.set(_key(key), _pack(counted, _issuer_raw(self.client), content), ex=ANSWER_SECONDS)
                if counted:
                    pipe.hincrby(_key(PENDING_KEY), field, 1)
                pipe.execute()
                return
            except REDIS_ERRORS as exc:
                _redis_failed(exc)
        if key:
            from .selectors import get_issuer_name

            cache.set(key, (counted, get_issuer_name(), content), ANSWER_SECONDS)
        if counted:
            _local.add({(certificate.pk, self.channel, _minute()): 1})


def lookup(request, *, number: str | None, signature: str | None, channel: str, typed: str, view: str) -> Lookup:
    """Read the facts, then the one round trip. Signed-in users (whose pages differ) and signatures other than the
    stored one never reuse an answer."""
    _local.flush_if_due()  # counts of this process from a time without Redis, if any
    row = read_row(number)
    facts = facts_of(row) if row is not None else None
    key = None
    if facts is not None and not request.user.is_authenticated:
        state = signature_state(facts, signature)
        if state is not None:
            key = answer_key(facts, state=state, typed=typed, view=view)
    return Lookup(request, row=row, facts=facts, key=key, channel=channel)
