"""Ideas by e-mail: a message to the program's mailbox becomes an idea in the moderation queue.

Messages come from an IMAP folder (``imap_intake``) or a folder of ``.eml`` files (``folder_intake``);
both hand each message to ``idea_from_email``. The Message-ID makes the intake idempotent: the unique
constraint on ``InboundMessage.message_id`` decides, so two workers fetching the same mailbox at once
still create one idea per message.
"""

import hashlib
import html
import imaplib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
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
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task
from imap_tools import AND, MailBox, MailBoxStartTls, MailMessageFlags
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
# RFC 3676: "-- " alone on a line starts the signature, which holds addresses and phone numbers.
_SIGNATURE = re.compile(r"\n-- ?\n")
_NO_REPLY_PRECEDENCE = {"bulk", "list", "junk", "auto_reply"}
_NO_REPLY_LOCALPARTS = {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}


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


def message_text(message: EmailMessage) -> str:
    """The message's text: the text/plain body, or the HTML body as text; without the signature."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        text = _tidy(_part_text(plain))
    else:
        markup = message.get_body(preferencelist=("html",))
        text = html_to_text(_part_text(markup)) if markup is not None else ""
    return _SIGNATURE.split(f"\n{text}", maxsplit=1)[0].strip()


def message_id_of(message: EmailMessage) -> str:
    """The Message-ID; a content hash when it is missing or too long, so a re-import is still recognised."""
    message_id = " ".join(str(message.get("Message-ID", "")).split())
    if message_id and len(message_id) <= MESSAGE_ID_MAX_LENGTH:
        return message_id
    digest = hashlib.sha256(message_id.encode() if message_id else message.as_bytes()).hexdigest()
    return f"<sha256-{digest}@smartregion.invalid>"


def sender_of(message: EmailMessage) -> tuple[str, str]:
    """Display name and address of the sender; the address is empty when it is not a valid one."""
    name, address = parseaddr(str(message.get("From", "")))
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    return " ".join(name.split())[:200], address[:300]


def is_automatic(message: EmailMessage) -> bool:
    """Whether the message is an auto-reply, a bounce or list/bulk mail, which must not be answered.

    Answering those could loop (two auto-responders answering each other) or mail a whole list.
    """
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in _NO_REPLY_PRECEDENCE:
        return True
    if any(message.get(header) for header in ("List-Id", "X-Autoreply", "X-Autorespond")):
        return True
    suppress = str(message.get("X-Auto-Response-Suppress", "")).lower()
    if "all" in suppress or "autoreply" in suppress:
        return True
    if str(message.get("Return-Path", "")).strip() == "<>":
        return True
    _name, address = parseaddr(str(message.get("From", "")))
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


def _acknowledge(*, idea: Idea, process: Process, message: EmailMessage, name: str, address: str) -> None:
    original_id = str(message.get("Message-ID", "")).strip()
    headers = {"Auto-Submitted": "auto-replied"}
    if original_id:
        headers.update({"In-Reply-To": original_id, "References": original_id})
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
    """Whether a message was imported already (a shortcut; the unique constraint has the last word)."""
    return InboundMessage.objects.filter(message_id=message_id).exists()


def idea_from_email(
    *, process: Process, message: EmailMessage, domains: Sequence[Domain] | None = None
) -> Idea | None:
    """Turn a message into an idea awaiting moderation; None when this Message-ID was imported before.

    Raises ValidationError when the message holds nothing to make an idea of (no text, text too long,
    no domain of life to file it under). ``domains`` defaults to the process's first domain.
    """
    label = message_id_of(message)
    if seen_before(label):
        return None
    subject = _REPLY_PREFIX.sub("", " ".join(str(message.get("Subject", "")).split()))
    text = message_text(message)
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
    name, address = sender_of(message)
    image = _first_image(message, label=label)

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
        inbound.save(update_fields=["idea"])
        if address and not is_automatic(message):
            _acknowledge(idea=idea, process=process, message=message, name=name, address=address)
    return idea


class Outcome(StrEnum):
    """What became of one message."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass
class IntakeReport:
    """Counts of one intake run, and why messages were refused."""

    imported: int = 0
    duplicates: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people and logs."""
        return f"imported {self.imported}, skipped {self.duplicates} duplicates, refused {len(self.refused)}"

    def as_dict(self) -> dict[str, int]:
        """The counts, JSON-serialisable (a task's return value)."""
        return {"imported": self.imported, "duplicates": self.duplicates, "refused": len(self.refused)}


def _intake_one(
    report: IntakeReport,
    *,
    process: Process,
    message: EmailMessage,
    domains: Sequence[Domain] | None,
    where: str,
) -> Outcome:
    try:
        idea = idea_from_email(process=process, message=message, domains=domains)
    except ValidationError as error:
        reason = " ".join(error.messages)
        report.refused.append((where, reason))
        logger.warning("%s refused: %s", where, reason)
        return Outcome.REFUSED
    if idea is None:
        report.duplicates += 1
        return Outcome.DUPLICATE
    report.imported += 1
    return Outcome.IMPORTED


def folder_intake(*, process: Process, folder: Path, domains: Sequence[Domain] | None = None) -> IntakeReport:
    """Import every ``*.eml`` file of a folder (in name order)."""
    report = IntakeReport()
    parser = BytesParser(policy=policy.default)
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as handle:
            # policy.default makes the parser build EmailMessage objects (get_body, iter_attachments).
            message = parser.parse(handle)
        _intake_one(report, process=process, message=message, domains=domains, where=path.name)
    return report


class MailboxError(Exception):
    """The mailbox cannot be reached or read; the message says why, without the password."""


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


def _fetch(source: ImapSource) -> Iterator[tuple[Any, str, EmailMessage]]:
    """Yield (mailbox, uid, message) for every unseen, unflagged message of the folder."""
    try:
        mailbox: Any = (
            MailBoxStartTls(source.host, source.port, timeout=IMAP_TIMEOUT_SECONDS)
            if source.starttls
            else MailBox(source.host, source.port, timeout=IMAP_TIMEOUT_SECONDS)
        )
        mailbox.login(source.username, source.password, initial_folder=source.folder)
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
        raise MailboxError(
            f"Could not open the mailbox {source.folder} on {source.host}:{source.port}: {error}"
        ) from error
    parser = BytesParser(policy=policy.default)
    with mailbox:
        # Refused messages are flagged (and stay unread for a person to handle), so they are not
        # fetched again; PEEK (mark_seen=False) leaves a message unread until it is imported.
        for mail in mailbox.fetch(AND(seen=False, flagged=False), mark_seen=False):
            message = parser.parsebytes(mail.obj.as_bytes())
            yield mailbox, mail.uid, message


def imap_intake(
    *, process: Process, source: ImapSource, domains: Sequence[Domain] | None = None
) -> IntakeReport:
    """Import the unseen messages of an IMAP folder; imported and duplicate ones are marked as seen."""
    report = IntakeReport()
    try:
        for mailbox, uid, message in _fetch(source):
            outcome = _intake_one(
                report, process=process, message=message, domains=domains, where=f"UID {uid}"
            )
            if outcome == Outcome.REFUSED:
                mailbox.flag(uid, MailMessageFlags.FLAGGED, True)
            else:
                mailbox.flag(uid, MailMessageFlags.SEEN, True)
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
        raise MailboxError(f"The connection to {source.host}:{source.port} failed: {error}") from error
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
    report = imap_intake(
        process=process,
        source=ImapSource.from_url(url),
        domains=domains_for(domain_slug),
    )
    logger.info("fetch_idea_mails %s: %s", process_slug, report.summary())
    return report.as_dict()
