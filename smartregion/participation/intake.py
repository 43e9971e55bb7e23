"""Ideas by e-mail: a message to the program's mailbox becomes an idea in the moderation queue.

Messages come from an IMAP folder (``imap_intake``) or a folder of ``.eml`` files (``folder_intake``);
both hand each message to ``intake_message``, which imports it (``idea_from_email``) or refuses it with a
logged and recorded reason, and never lets one message stop the others. The Message-ID makes the intake
idempotent: the unique constraint on ``InboundMessage.message_id`` decides, so two workers fetching the
same mailbox at once still create one idea per message, and a refused message is not refused twice.
"""

import hashlib
import html
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from imap_tools.errors import ImapToolsError

from smartregion.core.images import image_clean
from smartregion.core.mail import compose, email_enqueue
from smartregion.strategy.models import Domain

from . import services
from .models import AssistedContribution, Channel, Idea, IdeaEvent, IdeaStatus, InboundMessage, Process

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 150  # Idea.title
BODY_MAX_LENGTH = 10000  # Idea.body
FALLBACK_TITLE_LENGTH = 80
MESSAGE_ID_MAX_LENGTH = 500  # InboundMessage.message_id
IMAP_TIMEOUT_SECONDS = 30

# "AW: Re: WG:" and friends in front of a subject say nothing about the idea.
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|antw|wg|fw|fwd|wtr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Closing block tags and <br> become line breaks before the tags are stripped, so paragraphs survive.
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/tr|/blockquote|/pre)\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\xa0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Where quoted history begins: everything from there on is someone else's text (and often someone else's
# name, address and telephone number), which must not be published as the sender's idea.
_HISTORY_START = re.compile(
    r"^(?:"
    # RFC 3676: "-- " alone on a line starts the signature, which holds addresses and phone numbers.
    r"--\s*$"
    r"|-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|Weitergeleitete Nachricht"
    r"|Forwarded message|Nachricht weitergeleitet)\s*-*\s*$"
    r"|(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|Weitergeleitete Nachricht)\s*:\s*$"
    # "Am 03.11.2025 um 10:12 schrieb Hans Meier <hans@example.org>:", possibly wrapped over two lines.
    r"|Am\s[^\n]{1,200}?(?:\n[^\n]{0,120}?)?\sschrieb\b[^\n]*(?:\n[^\n]{0,120}?)?:[ \t]*$"
    r"|On\s[^\n]{1,200}?(?:\n[^\n]{0,120}?)?\swrote:[ \t]*$"
    # Outlook's line under the new text, above the quoted header block.
    r"|_{10,}[ \t]*$"
    # An Outlook header block: "Von: …" followed by "Gesendet:", "An:", "Datum:" or "Betreff:".
    r"|\*?(?:Von|From)\s*:\*?[^\n]*\n\*?(?:Gesendet|Sent|Datum|Date|An|To|Betreff|Subject)\s*:"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*(?:\n|$)", re.MULTILINE)
# Links to write to someone ("<mailto:erika@example.org>", "[mailto:…]") only repeat an address.
_MAILTO = re.compile(r"[<\[(]?\s*mailto:[^\s>\])]*\s*[>\])]?", re.IGNORECASE)
_NO_REPLY_PRECEDENCE = {"bulk", "list", "junk", "auto_reply"}
_NO_REPLY_LOCALPARTS = {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}
# Subjects of out-of-office replies from clients that send them without an Auto-Submitted header.
_OUT_OF_OFFICE = re.compile(
    r"^\s*(?:Abwesenheitsnotiz|Automatische Antwort|Auto(?:matic)?[- ]?Reply|Out of (?:the )?Office"
    r"|Abwesend|Urlaubsabwesenheit)\b",
    re.IGNORECASE,
)


def title_from_text(text: str, *, max_length: int = FALLBACK_TITLE_LENGTH) -> str:
    """The text itself when it is short enough, else its first words cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut and not text[max_length - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


def html_to_text(markup: str) -> str:
    """Plain text from an HTML mail: tags stripped by nh3, scripts and styles dropped, paragraphs kept."""
    with_breaks = _BLOCK_END.sub(lambda match: match.group(0) + "\n", markup)
    # Quoted replies in HTML mails are blockquotes; their text is someone else's history.
    with_breaks = re.sub(
        r"<blockquote\b.*?</blockquote\s*>", "\n", with_breaks, flags=re.IGNORECASE | re.DOTALL
    )
    stripped = nh3.clean(with_breaks, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    return _tidy(html.unescape(stripped))


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _part_text(part: Any) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        # An unknown or wrong charset: better a few replacement characters than a lost idea.
        content = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
    return str(content)


def _body_texts(part: Any) -> list[str]:
    """The texts a reader sees, in order: every inline text part, one version of each alternative.

    Apple Mail sends "text, photo, more text" as multipart/mixed with two text parts; both belong to the
    idea. Attachments (also attached mails: forwarded history) are not part of the text.
    """
    texts: list[str] = []
    if part.get_content_disposition() == "attachment":
        pass
    elif part.is_multipart():
        children = list(part.iter_parts())
        subtype = part.get_content_subtype()
        if subtype == "alternative" and children:
            plain = [child for child in children if child.get_content_type() == "text/plain"]
            children = [plain[0] if plain else children[-1]]
        elif subtype == "related" and children:
            children = children[:1]  # the root; the others are its pictures
        texts = [text for child in children for text in _body_texts(child)]
    elif part.get_content_type() == "text/plain":
        texts = [_tidy(_part_text(part))]
    elif part.get_content_type() == "text/html":
        texts = [html_to_text(_part_text(part))]
    return texts


def strip_history(text: str, *, sender: str = "") -> str:
    """The sender's own words: without quoted replies, forwarded history, signature and mailto: links."""
    text = _QUOTED_LINE.sub("", text)
    match = _HISTORY_START.search(text)
    if match is not None:
        text = text[: match.start()]
    text = _MAILTO.sub("", text)
    if sender:
        text = re.sub(rf"<?\b{re.escape(sender)}\b>?", "", text, flags=re.IGNORECASE)
    return _tidy(text)


def message_text(message: EmailMessage, *, sender: str = "") -> str:
    """The message's text, all its text parts in order, without quoted history and signature."""
    texts = [text for text in _body_texts(message) if text]
    return strip_history("\n\n".join(texts), sender=sender)


def _raw_header(message: EmailMessage, name: str) -> str:
    """A header's text as it came, for logs and checks; never raises, unlike the structured parser."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())[:300]
    return ""


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded text; ValidationError when it is malformed beyond what the parser can read."""
    try:
        return " ".join(str(message.get(name, "")).split())
    # The email package raises IndexError, AttributeError, ValueError, ... on malformed headers.
    except Exception as error:
        raise ValidationError(
            _("The e-mail has a malformed header “%(name)s”.") % {"name": name}, code="malformed"
        ) from error


def _valid_message_id(message: EmailMessage) -> str | None:
    """The Message-ID when it is present, readable and not too long."""
    try:
        message_id = _header(message, "Message-ID")
    except ValidationError:
        return None
    return message_id if message_id and len(message_id) <= MESSAGE_ID_MAX_LENGTH else None


def message_id_of(message: EmailMessage) -> str:
    """The Message-ID; a content hash when it is missing, malformed or too long, so a re-import is
    still recognised."""
    message_id = _valid_message_id(message)
    if message_id is not None:
        return message_id
    digest = hashlib.sha256(message.as_bytes(policy=policy.compat32)).hexdigest()
    return f"<sha256-{digest}@smartregion.invalid>"


def sender_of(message: EmailMessage) -> tuple[str, str]:
    """Display name and address of the sender; the address is empty when it is not a valid one."""
    name, address = parseaddr(_header(message, "From"))
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    return " ".join(name.split())[:200], address[:300]


def is_spam(message: EmailMessage) -> bool:
    """Whether the mail server's spam filter (SpamAssassin, rspamd) marked the message as spam."""
    flag = _raw_header(message, "X-Spam-Flag").lower()
    status = _raw_header(message, "X-Spam-Status").lower()
    return (
        flag.startswith("yes") or status.startswith("yes") or _raw_header(message, "X-Spam").lower() == "yes"
    )


def is_auto_reply(message: EmailMessage) -> bool:
    """Whether a machine wrote the message (out-of-office, auto-responder, bounce): never an idea."""
    auto_submitted = _raw_header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(_raw_header(message, header) for header in ("X-Autoreply", "X-Autorespond")):
        return True
    if _raw_header(message, "Precedence").lower() == "auto_reply":
        return True
    return bool(_OUT_OF_OFFICE.match(_raw_header(message, "Subject")))


def is_automatic(message: EmailMessage) -> bool:
    """Whether the message must not be answered: an auto-reply, a bounce, list or bulk mail.

    Answering those could loop (two auto-responders answering each other) or mail a whole list.
    """
    if is_auto_reply(message):
        return True
    if _raw_header(message, "Precedence").lower() in _NO_REPLY_PRECEDENCE:
        return True
    if _raw_header(message, "List-Id"):
        return True
    suppress = _raw_header(message, "X-Auto-Response-Suppress").lower()
    if "all" in suppress or "autoreply" in suppress:
        return True
    if _raw_header(message, "Return-Path") == "<>":
        return True
    _name, address = parseaddr(_raw_header(message, "From"))
    return address.split("@")[0].lower() in _NO_REPLY_LOCALPARTS


def _first_image(message: EmailMessage, *, label: str) -> ContentFile | None:
    """The first attached image that passes image_clean (re-encoded, without EXIF); others are logged.

    Only top-level attachments count: images inline in an HTML body are mostly logos in signatures.
    """
    kept: ContentFile | None = None
    for part in message.iter_attachments():
        filename = part.get_filename() or "?"
        if part.get_content_maintype() != "image":
            logger.info(
                "%s: attachment %s (%s) ignored: not an image", label, filename, part.get_content_type()
            )
            continue
        if kept is not None:
            logger.info("%s: attachment %s ignored: an idea keeps one image", label, filename)
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        try:
            kept = image_clean(SimpleUploadedFile(filename, data, content_type=part.get_content_type()))
        except ValidationError as error:
            logger.info("%s: attachment %s ignored: %s", label, filename, " ".join(error.messages))
    return kept


def _default_domains(process: Process) -> list[Domain]:
    first = process.domains.order_by("position", "name").first()
    return [first] if first else []


def _may_acknowledge(address: str) -> bool:
    """Whether the sender may get another acknowledgement today (IDEA_MAIL_ACKNOWLEDGEMENTS_PER_DAY)."""
    since = timezone.now() - timedelta(days=1)
    sent = InboundMessage.objects.filter(sender=address, acknowledged_at__gte=since).count()
    return sent < settings.IDEA_MAIL_ACKNOWLEDGEMENTS_PER_DAY


def _acknowledge(*, idea: Idea, process: Process, message_id: str, name: str, address: str) -> None:
    headers = {"Auto-Submitted": "auto-replied"}
    if message_id and not message_id.endswith("@smartregion.invalid>"):
        headers.update({"In-Reply-To": message_id, "References": message_id})
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": name,
            "title": idea.title,
            "process": process,
            "process_url": settings.SITE_URL + process.get_absolute_url(),
        }
        outgoing = compose(
            subject=_("Your idea has arrived"),
            text=render_to_string("participation/email/idea_received.txt", context),
            to=[address],
            reply_to=[settings.PROGRAM_OFFICE_EMAIL],
            headers=headers,
        )
    email_enqueue(outgoing)


def seen_before(message_id: str) -> bool:
    """Whether a message was imported or refused already (a shortcut; the unique constraint decides)."""
    return InboundMessage.objects.filter(message_id=message_id).exists()


def idea_from_email(
    *, process: Process, message: EmailMessage, domains: Sequence[Domain] | None = None
) -> Idea | None:
    """Turn a message into an idea awaiting moderation; None when this Message-ID was handled before.

    Raises ValidationError when the message must not or cannot become an idea (spam, an automatic reply,
    a malformed header, no text, text too long, no domain of life to file it under); ``intake_message``
    records such a refusal. ``domains`` defaults to the process's first domain.
    """
    label = message_id_of(message)
    if seen_before(label):
        return None
    name, address = sender_of(message)
    subject = _REPLY_PREFIX.sub("", _header(message, "Subject"))
    if _valid_message_id(message) is None and _raw_header(message, "Message-ID"):
        _header(message, "Message-ID")  # raises for a malformed one; a missing or long one is hashed
    if is_spam(message):
        raise ValidationError(_("The mail server marked the e-mail as spam."), code="spam")
    if is_auto_reply(message):
        raise ValidationError(
            _("The e-mail is an automatic reply (e.g. an out-of-office notice)."), code="auto_reply"
        )
    text = message_text(message, sender=address)
    if not subject and not text:
        raise ValidationError(_("The e-mail has neither a subject nor a text."), code="empty")
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError(
            _("The text is longer than %(max)s characters.") % {"max": BODY_MAX_LENGTH}, code="too_long"
        )
    chosen = list(domains) if domains is not None else _default_domains(process)
    if not chosen:
        raise ValidationError(
            _("The process has no domain of life to file the idea under."), code="no_domain"
        )
    title = title_from_text(subject, max_length=TITLE_MAX_LENGTH) if subject else title_from_text(text)
    image = _first_image(message, label=label)
    acknowledge = bool(address) and not is_automatic(message) and _may_acknowledge(address)

    with transaction.atomic():
        try:
            # The unique Message-ID decides between concurrent fetches; the savepoint keeps the outer
            # transaction usable after the losing insert.
            with transaction.atomic():
                inbound = InboundMessage.objects.create(message_id=label, sender=address)
        except IntegrityError:
            return None
        idea = Idea(process=process, author=None, channel=Channel.EMAIL, status=IdeaStatus.SUBMITTED)
        # The same checks and derived fields (body_html, search_text) as every other idea. There is no
        # actor to authorize here (the mailbox is the program's own), so idea_record_assisted, which
        # demands a staff member, does not fit; its private helper does.
        services._fill_idea(
            idea,
            title=title,
            body=text or title,
            municipality=None,
            latitude=None,
            longitude=None,
            image=None,
            image_alt="",
        )
        if image is not None:
            idea.image.save("idea", image, save=False)
            idea.image_alt = _("Picture sent with the e-mail")
        idea.save()
        idea.domains.set(chosen)
        AssistedContribution.objects.create(
            idea=idea,
            contributor_name=name,
            # The person wrote to us: keeping the address to answer is part of handling their message
            # (GDPR Art. 6(1)(e)), not a consent they gave, so consent_given_at stays empty and staff
            # see that the address may be used only to answer about this idea.
            contributor_contact=address,
            consent_given_at=None,
            recorded_by=None,
            public_attribution=str(services.ASSISTED_ATTRIBUTION[Channel.EMAIL]),
        )
        IdeaEvent.objects.create(
            idea=idea,
            actor=None,
            kind=IdeaEvent.Kind.SUBMITTED,
            to_status=idea.status,
            data={"message_id": label},
        )
        inbound.idea = idea
        inbound.acknowledged_at = timezone.now() if acknowledge else None
        inbound.save(update_fields=["idea", "acknowledged_at"])
        if acknowledge:
            _acknowledge(idea=idea, process=process, message_id=label, name=name, address=address)
    return idea


class Outcome(StrEnum):
    """What became of one message."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass
class IntakeReport:
    """Counts of one intake run, why messages were refused, and which failed (to be retried)."""

    imported: int = 0
    duplicates: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people and logs."""
        return (
            f"imported {self.imported}, skipped {self.duplicates} duplicates, refused {len(self.refused)}, "
            f"failed {len(self.failed)}"
        )

    def as_dict(self) -> dict[str, int]:
        """The counts, JSON-serialisable (a task's return value)."""
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "refused": len(self.refused),
            "failed": len(self.failed),
        }


def _record_refusal(message: EmailMessage, *, reason: str) -> bool:
    """Remember a refused message, so it is not fetched and refused again; False when it was known."""
    _name, address = parseaddr(_raw_header(message, "From"))
    _record, created = InboundMessage.objects.get_or_create(
        message_id=message_id_of(message), defaults={"sender": address[:300], "refusal": reason}
    )
    return created


def intake_message(
    report: IntakeReport,
    *,
    process: Process,
    message: EmailMessage,
    domains: Sequence[Domain] | None,
    where: str,
) -> Outcome:
    """Import one message, or refuse it with a logged and recorded reason; never raises for the message.

    A database error is the one failure left for a later run: the message is not recorded, so the next
    run tries it again.
    """
    subject = _raw_header(message, "Subject")
    sender = _raw_header(message, "From")
    try:
        idea = idea_from_email(process=process, message=message, domains=domains)
    except DatabaseError as error:
        report.failed.append((where, str(error)))
        logger.exception("%s failed (subject %r, from %r), will be retried", where, subject, sender)
        return Outcome.FAILED
    except ValidationError as error:
        reason = " ".join(error.messages)
    # Whatever else a broken message makes the email package raise must not stop the other messages.
    except Exception as error:
        reason = _("The e-mail could not be read (%(error)s).") % {"error": type(error).__name__}
        logger.exception("%s could not be read", where)
    else:
        if idea is None:
            report.duplicates += 1
            return Outcome.DUPLICATE
        report.imported += 1
        logger.info("%s imported as idea %s: %r", where, idea.pk, idea.title)
        return Outcome.IMPORTED
    if not _record_refusal(message, reason=reason):
        report.duplicates += 1
        return Outcome.DUPLICATE
    report.refused.append((where, reason))
    logger.warning("%s refused (subject %r, from %r): %s", where, subject, sender, reason)
    return Outcome.REFUSED


def folder_intake(*, process: Process, folder: Path, domains: Sequence[Domain] | None = None) -> IntakeReport:
    """Import every ``*.eml`` file of a folder (in name order)."""
    report = IntakeReport()
    parser = BytesParser(policy=policy.default)
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as handle:
            # policy.default makes the parser build EmailMessage objects (get_body, iter_attachments).
            message = parser.parse(handle)
        intake_message(report, process=process, message=message, domains=domains, where=path.name)
    return report


class MailboxError(Exception):
    """The mailbox cannot be reached or read; the message says why, without the password.

    ``report`` holds what the run did before the error, when it got that far.
    """

    def __init__(self, message: str, *, report: "IntakeReport | None" = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class ImapSource:
    """Where to fetch from, parsed from ``imaps://user:password@host[:port]/FOLDER``."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    starttls: bool = False

    @classmethod
    def from_url(cls, url: str) -> "ImapSource":
        """Parse an imaps:// (TLS) or imap:// (STARTTLS) URL; user name and password may be %-encoded."""
        parts = urlsplit(url)
        if parts.scheme not in ("imaps", "imap"):
            raise MailboxError(
                f"Unsupported scheme {parts.scheme!r}: use imaps:// (or imap:// for STARTTLS)."
            )
        if not parts.hostname:
            raise MailboxError("The IMAP URL has no host name.")
        if not parts.username or parts.password is None:
            raise MailboxError(
                "The IMAP URL needs a user name and a password: imaps://user:password@host/INBOX"
            )
        try:
            port = parts.port or (993 if parts.scheme == "imaps" else 143)
        except ValueError as error:
            raise MailboxError(f"The IMAP URL has an invalid port: {error}") from error
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username),
            password=unquote(parts.password),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            starttls=parts.scheme == "imap",
        )


def _tls_context() -> ssl.SSLContext:
    """Certificates and host names are checked, against IDEA_MAIL_CA_FILE or the system's CAs."""
    return ssl.create_default_context(cafile=settings.IDEA_MAIL_CA_FILE or None)


def _connect(source: ImapSource) -> Any:
    """A logged-in mailbox. TLS (or STARTTLS) is negotiated and verified before the password is sent;
    imap:// without STARTTLS only when IDEA_MAIL_ALLOW_PLAIN says so."""
    if not source.starttls:
        mailbox: Any = MailBox(
            source.host, source.port, timeout=IMAP_TIMEOUT_SECONDS, ssl_context=_tls_context()
        )
    elif settings.IDEA_MAIL_ALLOW_PLAIN:
        mailbox = MailBoxUnencrypted(source.host, source.port, timeout=IMAP_TIMEOUT_SECONDS)
    else:
        mailbox = MailBoxStartTls(
            source.host, source.port, timeout=IMAP_TIMEOUT_SECONDS, ssl_context=_tls_context()
        )
    mailbox.login(source.username, source.password, initial_folder=source.folder)
    return mailbox


def _new_uids(mailbox: Any) -> list[str]:
    """UIDs of the messages not imported or refused yet, whether read or not.

    Only the headers are fetched to decide; a message without a usable Message-ID is fetched whole,
    and its content hash decides.
    """
    parser = BytesHeaderParser(policy=policy.default)
    known: set[str] = set()
    candidates: list[tuple[str, str | None]] = []
    for mail in mailbox.fetch(AND(all=True), headers_only=True, mark_seen=False, bulk=100):
        message_id = _valid_message_id(parser.parsebytes(mail.obj.as_bytes()))
        candidates.append((mail.uid, message_id))
    ids = [message_id for _uid, message_id in candidates if message_id]
    for start in range(0, len(ids), 500):
        known.update(
            InboundMessage.objects.filter(message_id__in=ids[start : start + 500]).values_list(
                "message_id", flat=True
            )
        )
    return [uid for uid, message_id in candidates if message_id is None or message_id not in known]


def _fetch(mailbox: Any) -> Iterator[tuple[str, EmailMessage]]:
    """Yield (uid, message) for every message of the folder not imported or refused yet."""
    parser = BytesParser(policy=policy.default)
    for uid in _new_uids(mailbox):
        for mail in mailbox.fetch(uid_list=[uid], mark_seen=False):
            yield mail.uid, parser.parsebytes(mail.obj.as_bytes())


def imap_intake(
    *, process: Process, source: ImapSource, domains: Sequence[Domain] | None = None
) -> IntakeReport:
    """Import the new messages of an IMAP folder: imported ones are marked as seen, refused ones flagged.

    What was handled is known by Message-ID in the database, not by flags, so a message a person read
    in a mail client is imported all the same.
    """
    report = IntakeReport()
    try:
        mailbox = _connect(source)
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
        raise MailboxError(
            f"Could not open the mailbox {source.folder} on {source.host}:{source.port}: {error}",
            report=report,
        ) from error
    try:
        with mailbox:
            for uid, message in _fetch(mailbox):
                outcome = intake_message(
                    report, process=process, message=message, domains=domains, where=f"UID {uid}"
                )
                if outcome == Outcome.REFUSED:
                    mailbox.flag(uid, MailMessageFlags.FLAGGED, True)
                elif outcome != Outcome.FAILED:
                    mailbox.flag(uid, MailMessageFlags.SEEN, True)
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
        raise MailboxError(
            f"The connection to {source.host}:{source.port} failed: {error}", report=report
        ) from error
    return report


def domains_for(domain_slug: str) -> list[Domain] | None:
    """The domain named by slug (raises Domain.DoesNotExist), or None for the process's default."""
    return [Domain.objects.get(slug=domain_slug)] if domain_slug else None


@task()
def idea_mails_fetch(*, process_slug: str, domain_slug: str = "") -> dict[str, int]:
    """Fetch new mails from settings.IDEA_MAIL_IMAP_URL into a process's moderation queue (run periodically).

    The URL (with its password) comes from the settings, not from the task's arguments, which the
    database task backend stores in plain text.
    """
    url: str = settings.IDEA_MAIL_IMAP_URL
    if not url:
        raise MailboxError("IDEA_MAIL_IMAP_URL is not set.")
    process = Process.objects.get(slug=process_slug)
    try:
        report = imap_intake(
            process=process,
            source=ImapSource.from_url(url),
            domains=domains_for(domain_slug),
        )
    except MailboxError as error:
        if error.report is not None:
            logger.error("fetch_idea_mails %s stopped: %s", process_slug, error.report.summary())
        raise
    logger.info("fetch_idea_mails %s: %s", process_slug, report.summary())
    return report.as_dict()
