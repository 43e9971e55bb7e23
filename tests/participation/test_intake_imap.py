"""The e-mail channel against a real IMAP server: the session's private Dovecot (tests/imap_server.py).

Each test gets a folder of its own on that server and delivers its mails there by IMAP APPEND, then
runs the management command as an operator would. Certificates are checked against the test CA
(IDEA_MAIL_CA_FILE); the same server presents a certificate for another host name on 127.0.0.2.
"""

import io
import itertools
import ssl
from email import policy
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from imap_tools import AND, MailBox, MailMessageFlags

from smartregion.participation import intake
from smartregion.participation.models import Idea, InboundMessage

from ..imap_server import GOOD_HOST, PASSWORD, USER, WRONG_HOST
from .staff_support import make_domain, make_process

_folders = itertools.count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def process(db):
    return make_process("mail", domains=[make_domain("mobilitaet", "Mobilität", 1)])


class Folder:
    """A fresh IMAP folder of the test server: deliver mails, read their flags, build URLs."""

    def __init__(self, server, name: str) -> None:
        self.server, self.name = server, name

    def _mailbox(self) -> MailBox:
        context = ssl.create_default_context(cafile=str(self.server.ca_file))
        return MailBox(GOOD_HOST, self.server.imaps_port, ssl_context=context).login(
            USER, PASSWORD, initial_folder=self.name
        )

    def deliver(self, *messages: bytes | EmailMessage, seen: bool = False) -> None:
        with self._mailbox() as mailbox:
            for message in messages:
                raw = message if isinstance(message, bytes) else message.as_bytes()
                mailbox.append(raw, self.name, flag_set=[MailMessageFlags.SEEN] if seen else None)

    def flags(self) -> dict[str, set[str]]:
        """Subject (raw) → flags of every message in the folder."""
        with self._mailbox() as mailbox:
            return {
                mail.obj.get("Subject", ""): set(mail.flags)
                for mail in mailbox.fetch(AND(all=True), mark_seen=False, headers_only=True)
            }

    def url(self, *, scheme: str = "imaps", host: str = GOOD_HOST) -> str:
        return self.server.url(scheme=scheme, host=host, folder=self.name)


@pytest.fixture
def folder(dovecot, settings) -> Folder:
    settings.IDEA_MAIL_CA_FILE = str(dovecot.ca_file)
    name = f"Test{next(_folders)}-{id(settings)}"
    context = ssl.create_default_context(cafile=str(dovecot.ca_file))
    with MailBox(GOOD_HOST, dovecot.imaps_port, ssl_context=context).login(USER, PASSWORD) as mailbox:
        mailbox.folder.create(name)
    return Folder(dovecot, name)


def _mail(
    subject: str = "Radweg nach Plaidt",
    text: str = "Bitte einen sicheren Radweg von Kruft nach Plaidt bauen.",
    *,
    sender: str = "Erika Muster <erika@example.org>",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = "ideen@smartregion.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{abs(hash(subject + text))}@example.org>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message


def _raw(header_lines: str, body: str = "Gewinnen Sie jetzt!") -> bytes:
    return f"{header_lines}\r\nTo: ideen@smartregion.example\r\n\r\n{body}\r\n".encode()


def _run(process, url: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("fetch_idea_mails", "--process", process.slug, "--imap-url", url, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_mail_is_imported_over_verified_tls_also_when_already_read(
    process, folder, scheme, django_capture_on_commit_callbacks
):
    folder.deliver(_mail("Unread idea"))
    # A staff member opened this one in a mail client before the import ran.
    folder.deliver(_mail("Read idea", "Mehr Bänke am Rhein."), seen=True)

    with django_capture_on_commit_callbacks(execute=True):
        output, error = _run(process, folder.url(scheme=scheme))

    assert error is None, output
    assert output.splitlines()[0] == "imported 2, skipped 0 duplicates, refused 0, failed 0"
    assert sorted(Idea.objects.values_list("title", flat=True)) == ["Read idea", "Unread idea"]
    assert all(MailMessageFlags.SEEN in flags for flags in folder.flags().values())
    assert len(mail.outbox) == 2
    # The login went over TLS (imaps, or STARTTLS on the imap port).
    assert any("Login: user=<ideen>" in line and "TLS" in line for line in folder.server.log.splitlines())

    again, error = _run(process, folder.url(scheme=scheme))
    assert error is None
    assert again.splitlines()[0] == "imported 0, skipped 0 duplicates, refused 0, failed 0"
    assert Idea.objects.count() == 2


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_a_certificate_for_another_host_is_refused_before_login(process, folder, scheme):
    folder.deliver(_mail())
    logins_before = folder.server.logins_on(WRONG_HOST)

    output, error = _run(process, folder.url(scheme=scheme, host=WRONG_HOST))

    assert error is not None
    assert "certificate verify failed" in str(error)
    assert PASSWORD not in str(error) + output
    assert folder.server.logins_on(WRONG_HOST) == logins_before  # the password never reached it
    assert not Idea.objects.exists()


def test_an_untrusted_ca_is_refused(process, folder, settings):
    settings.IDEA_MAIL_CA_FILE = ""  # the system's CAs do not know the test CA
    folder.deliver(_mail())
    logins_before = folder.server.logins_on(GOOD_HOST)

    _output, error = _run(process, folder.url())

    assert error is not None
    assert "certificate verify failed" in str(error)
    assert folder.server.logins_on(GOOD_HOST) == logins_before


def test_plain_imap_only_when_explicitly_allowed(process, folder, settings):
    folder.deliver(_mail())
    plain_logins = [
        line for line in folder.server.log.splitlines() if "Login: user=<ideen>" in line and "TLS" not in line
    ]

    settings.IDEA_MAIL_ALLOW_PLAIN = True
    output, error = _run(process, folder.url(scheme="imap"))

    assert error is None, output
    assert Idea.objects.count() == 1
    now_plain = [
        line for line in folder.server.log.splitlines() if "Login: user=<ideen>" in line and "TLS" not in line
    ]
    assert len(now_plain) == len(plain_logins) + 1


def _forwarded() -> EmailMessage:
    return _mail(
        "WG: Mitfahrbank",
        "Hallo zusammen,\n\nich leite Ihnen den Vorschlag meiner Nachbarin weiter: eine Mitfahrbank "
        "an der Kirche in Kruft.\n\nViele Grüße\nErika Muster\n\n"
        "-----Ursprüngliche Nachricht-----\n"
        "Von: Hannelore Beispiel <hannelore@example.net>\n"
        "Gesendet: Montag, 3. November 2025 10:12\n"
        "An: Erika Muster <erika@example.org>\n"
        "Betreff: Mitfahrbank\n\n"
        "Liebe Erika, ich wohne Hauptstraße 12, 56642 Kruft, Tel. 02654 98765.\n",
    )


def _apple_mail() -> EmailMessage:
    message = EmailMessage(policy=policy.default)
    message["From"] = "Jonas Apfel <jonas@example.org>"
    message["To"] = "ideen@smartregion.example"
    message["Subject"] = "Spielplatz Mendig"
    message["Message-ID"] = "<apple-1@example.org>"
    message.make_mixed()
    first, photo, second = EmailMessage(), EmailMessage(), EmailMessage()
    first.set_content("Hier ein Foto vom Spielplatz:")
    photo.set_content(b"\xff\xd8\xff", maintype="image", subtype="jpeg", disposition="inline")
    second.set_content("Der eigentliche Vorschlag: neue Schaukeln und ein Sonnensegel.")
    for part in (first, photo, second):
        message.attach(part)
    return message


def test_every_mail_is_imported_once_or_refused_with_a_logged_reason(
    process, folder, caplog, django_capture_on_commit_callbacks
):
    folder.deliver(
        _raw('From: "Gewinnspiel" <\r\nSubject: Malformed 1\r\nMessage-ID: <m1@example.org>'),
        _raw("From: <\r\nSubject: Malformed 2\r\nMessage-ID: <m2@example.org>"),
        _raw("From: a@b.c, <\r\nSubject: Malformed 3\r\nMessage-ID: <m3@example.org>"),
        _raw("From: Hans <hans@[1.2.3\r\nSubject: Malformed 4\r\nMessage-ID: <m4@example.org>"),
        _raw("From: hans@example.org\r\nSubject: Malformed 5\r\nMessage-ID: <"),
        _mail("Gewinnen!", sender="Forged <opfer@example.org>", headers={"X-Spam-Flag": "YES"}),
        _mail("Ich bin nicht im Büro", headers={"Auto-Submitted": "auto-replied"}),
        _mail("Abwesenheitsnotiz: Radweg", "Ich bin bis Montag nicht erreichbar."),
        _forwarded(),
        _apple_mail(),
        _mail("Zum Schluss", "Eine Idee nach all den kaputten Mails."),
    )

    with (
        caplog.at_level("INFO", logger="smartregion.participation.intake"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        output, error = _run(process, folder.url())

    assert error is not None  # refused mails make the run fail, so that cron tells the operator
    assert "8 refused" in str(error)
    assert output.splitlines()[0] == "imported 3, skipped 0 duplicates, refused 8, failed 0"
    assert sorted(Idea.objects.values_list("title", flat=True)) == [
        "Mitfahrbank",
        "Spielplatz Mendig",
        "Zum Schluss",
    ]
    flags = folder.flags()
    refused_subjects = [
        subject for subject, flag_set in flags.items() if MailMessageFlags.FLAGGED in flag_set
    ]
    assert len(refused_subjects) == 8
    for imported in ("WG: Mitfahrbank", "Spielplatz Mendig", "Zum Schluss"):
        assert MailMessageFlags.SEEN in flags[imported]
        assert MailMessageFlags.FLAGGED not in flags[imported]
    # One log line per imported mail with UID, idea id and subject; refused ones named by subject and sender.
    for idea in Idea.objects.all():
        assert any(f"imported as idea {idea.pk}: {idea.title!r}" in line for line in caplog.messages)
    assert any("'Malformed 1'" in line and "Gewinnspiel" in line for line in caplog.messages)
    assert any("'Gewinnen!'" in line and "spam" in line.lower() for line in caplog.messages)
    assert InboundMessage.objects.exclude(refusal="").count() == 8

    # Neither the spam (forged sender) nor the auto-replies were answered; the three ideas were.
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "erika@example.org",
        "erika@example.org",
        "jonas@example.org",
    ]
    forwarded = Idea.objects.get(title="Mitfahrbank")
    assert "Mitfahrbank an der Kirche in Kruft" in forwarded.body
    for private in ("Hannelore", "Hauptstraße", "02654", "hannelore@example.net"):
        assert private not in forwarded.body
    apple = Idea.objects.get(title="Spielplatz Mendig")
    assert apple.body.index("Hier ein Foto") < apple.body.index("neue Schaukeln")

    # Nothing is fetched twice: the next run finds nothing new and succeeds.
    again, error = _run(process, folder.url())
    assert error is None, again
    assert again.splitlines()[0] == "imported 0, skipped 1 duplicates, refused 0, failed 0"
    assert Idea.objects.count() == 3


def test_a_broken_connection_still_reports_what_was_imported(process, folder, monkeypatch):
    folder.deliver(_mail("Erste"), _mail("Zweite"), _mail("Dritte"))
    real = intake.intake_message
    calls = []

    def break_after_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionResetError("connection reset by peer")
        return real(*args, **kwargs)

    monkeypatch.setattr(intake, "intake_message", break_after_first)

    output, error = _run(process, folder.url())

    assert error is not None
    assert "connection reset by peer" in str(error)
    assert output.splitlines()[0] == "imported 1, skipped 0 duplicates, refused 0, failed 0"
    assert Idea.objects.count() == 1

    monkeypatch.setattr(intake, "intake_message", real)
    output, error = _run(process, folder.url())
    assert error is None
    assert output.splitlines()[0] == "imported 2, skipped 0 duplicates, refused 0, failed 0"
