"""E-mails to the idea mailbox become ideas in the moderation queue.

The messages are real .eml files written into tmp_path and read through the management command's
folder mode, which uses the same intake function as the IMAP mode. The IMAP path against a real
server (TLS, flags, mails already read, malformed mails) is in test_intake_imap.py.
"""

import io
import os
import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils.translation import gettext
from PIL import ExifTags, Image

from smartregion.participation import intake
from smartregion.participation.intake import ImapSource, MailboxError, idea_from_email
from smartregion.participation.models import (
    AssistedContribution,
    Channel,
    Idea,
    IdeaEvent,
    IdeaStatus,
    InboundMessage,
)
from smartregion.participation.services import ASSISTED_ATTRIBUTION

from .staff_support import make_domain, make_process

GPS_LATITUDE = (50.0, 26.0, 12.0)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def process(db):
    return make_process(
        "mobil", domains=[make_domain("mobilitaet", "Mobilität", 1), make_domain("energie", "Energie", 2)]
    )


def _message(
    *,
    subject: str | None = "Radweg nach Plaidt",
    text: str
    | None = "Bitte einen sicheren Radweg von Kruft nach Plaidt bauen.\n\n-- \nErika Muster\nTel. 0261 123",
    html: str | None = None,
    sender: str = "Erika Muster <erika@example.org>",
    message_id: str | None = "<idee-1@example.org>",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = "ideen@smartregion.example"
    if subject is not None:
        message["Subject"] = subject
    if message_id is not None:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message


def _write(folder: Path, name: str, message: EmailMessage) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.eml"
    path.write_bytes(message.as_bytes())
    return path


def _fetch(process, folder: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("fetch_idea_mails", "--process", process.slug, "--folder", str(folder), *extra, stdout=out)
    return out.getvalue()


def _fetch_refusing(process, folder: Path) -> str:
    """The command's output when it refused mails, which makes it exit with an error."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("fetch_idea_mails", "--process", process.slug, "--folder", str(folder), stdout=out)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (320, 240), "orange")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (7.0, 21.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_a_mail_becomes_a_queued_idea_with_private_sender_data_and_an_acknowledgement(
    process, tmp_path, django_capture_on_commit_callbacks
):
    _write(tmp_path / "in", "a", _message(subject="AW: Radweg nach Plaidt"))

    with django_capture_on_commit_callbacks(execute=True):
        output = _fetch(process, tmp_path / "in")

    assert output.splitlines()[0] == "imported 1, skipped 0 duplicates, refused 0, failed 0"
    idea = Idea.objects.get()
    assert (idea.status, idea.channel, idea.author) == (IdeaStatus.SUBMITTED, Channel.EMAIL, None)
    assert idea.title == "Radweg nach Plaidt"
    assert idea.body == "Bitte einen sicheren Radweg von Kruft nach Plaidt bauen."  # signature dropped
    assert "<p>" in idea.body_html
    assert " radweg " in idea.search_text
    assert [d.slug for d in idea.domains.all()] == ["mobilitaet"]  # the process's first domain
    assisted = idea.assisted
    assert (assisted.contributor_name, assisted.contributor_contact) == ("Erika Muster", "erika@example.org")
    assert assisted.consent_given_at is None
    assert assisted.recorded_by is None
    assert assisted.public_attribution == str(ASSISTED_ATTRIBUTION[Channel.EMAIL])
    assert IdeaEvent.objects.get(idea=idea).kind == IdeaEvent.Kind.SUBMITTED
    assert InboundMessage.objects.get().idea == idea
    assert process.__class__.objects.get(pk=process.pk).idea_count == 0  # not public yet

    (ack,) = mail.outbox
    assert ack.to == ["erika@example.org"]
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["In-Reply-To"] == "<idee-1@example.org>"
    assert "Radweg nach Plaidt" in ack.body
    assert "Erika Muster" in ack.body


def test_the_same_message_id_is_imported_once(process, tmp_path, django_capture_on_commit_callbacks):
    _write(tmp_path / "in", "first", _message())
    _write(tmp_path / "in", "again", _message(subject="Radweg nach Plaidt (nochmal gesendet)"))

    with django_capture_on_commit_callbacks(execute=True):
        first_run = _fetch(process, tmp_path / "in")
        second_run = _fetch(process, tmp_path / "in")

    assert first_run.splitlines()[0] == "imported 1, skipped 1 duplicates, refused 0, failed 0"
    assert second_run.splitlines()[0] == "imported 0, skipped 2 duplicates, refused 0, failed 0"
    assert Idea.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_unique_constraint_decides_when_the_shortcut_misses(process, monkeypatch):
    # As when two fetches run at once: both pass the exists() shortcut, the insert decides.
    monkeypatch.setattr(intake, "seen_before", lambda message_id: False)

    first = idea_from_email(process=process, message=_message())
    second = idea_from_email(process=process, message=_message())

    assert first is not None
    assert second is None
    assert Idea.objects.count() == 1
    assert AssistedContribution.objects.count() == 1


def test_an_html_only_mail_is_turned_into_text(process):
    html = (
        "<html><head><title>Newsletter-Vorlage</title><style>p {color: red}</style></head><body>"
        "<p>Mehr <b>Bänke</b> am Rhein&nbsp;&amp; Schatten.</p><div>Zweiter Absatz<br>mit Umbruch</div>"
        "<script>alert('x')</script></body></html>"
    )

    idea = idea_from_email(process=process, message=_message(text=None, html=html))

    assert idea is not None
    assert idea.body == "Mehr Bänke am Rhein & Schatten.\nZweiter Absatz\nmit Umbruch"
    for leftover in ("<", "alert", "color", "Newsletter-Vorlage"):
        assert leftover not in idea.body


def test_the_plain_part_wins_over_the_html_alternative(process):
    message = _message(text="Klartext-Fassung", html="<p>HTML-Fassung</p>")
    idea = idea_from_email(process=process, message=message)
    assert idea is not None
    assert idea.body == "Klartext-Fassung"


def test_an_attached_photo_is_kept_without_exif_or_gps(process):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's premise
    message = _message()
    message.add_attachment(original, maintype="image", subtype="jpeg", filename="spielplatz.jpg")
    message.add_attachment(_jpeg_with_gps(), maintype="image", subtype="jpeg", filename="zweites.jpg")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="plan.pdf")

    idea = idea_from_email(process=process, message=message)

    assert idea is not None
    assert idea.image
    assert idea.image_alt
    with Image.open(idea.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (320, 240)
        assert not stored.getexif()
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in stored.info


def test_an_oversized_attachment_is_ignored_and_the_idea_still_created(process, caplog):
    message = _message()
    # Over the 5 MB limit; image_clean refuses by size before decoding anything.
    message.add_attachment(
        os.urandom(5 * 1024 * 1024 + 1), maintype="image", subtype="jpeg", filename="riesig.jpg"
    )

    with caplog.at_level("INFO", logger="smartregion.participation.intake"):
        idea = idea_from_email(process=process, message=message)

    assert idea is not None
    assert not idea.image
    assert "riesig.jpg ignored" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"Precedence": "junk"},
        {"List-Id": "<ideen.lists.example.org>"},
        {"X-Auto-Response-Suppress": "All"},
    ],
)
def test_bulk_and_list_mail_get_no_acknowledgement(process, headers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_from_email(process=process, message=_message(subject="Radverkehr", headers=headers))

    assert idea is not None
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        (("Gewinnen Sie!", {"X-Spam-Flag": "YES"}), "The mail server marked the e-mail as spam."),
        (
            ("Radweg", {"X-Spam-Status": "Yes, score=9.1 required=5.0"}),
            "The mail server marked the e-mail as spam.",
        ),
        (
            ("Radweg", {"Auto-Submitted": "auto-replied"}),
            "The e-mail is an automatic reply (e.g. an out-of-office notice).",
        ),
        (
            ("Radweg", {"Auto-Submitted": "auto-generated"}),
            "The e-mail is an automatic reply (e.g. an out-of-office notice).",
        ),
        (
            ("Radweg", {"X-Autoreply": "yes"}),
            "The e-mail is an automatic reply (e.g. an out-of-office notice).",
        ),
        (
            ("Abwesenheitsnotiz: Radweg", {}),
            "The e-mail is an automatic reply (e.g. an out-of-office notice).",
        ),
        (
            ("Automatische Antwort: Radweg", {}),
            "The e-mail is an automatic reply (e.g. an out-of-office notice).",
        ),
        (("Out of Office: Radweg", {}), "The e-mail is an automatic reply (e.g. an out-of-office notice)."),
    ],
)
def test_spam_and_auto_replies_never_become_ideas_nor_get_an_answer(
    process, tmp_path, case, reason, django_capture_on_commit_callbacks
):
    subject, headers = case
    _write(tmp_path / "in", "a", _message(subject=subject, headers=headers))

    with django_capture_on_commit_callbacks(execute=True):
        output = _fetch_refusing(process, tmp_path / "in")

    assert output.splitlines() == [
        "imported 0, skipped 0 duplicates, refused 1, failed 0",
        f"  refused a.eml: {gettext(reason)}",
    ]
    assert not Idea.objects.exists()
    assert mail.outbox == []
    assert InboundMessage.objects.get().refusal == gettext(reason)


def test_acknowledgements_are_capped_per_sender(process, settings, django_capture_on_commit_callbacks):
    settings.IDEA_MAIL_ACKNOWLEDGEMENTS_PER_DAY = 2
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            idea_from_email(process=process, message=_message(message_id=f"<viele-{number}@example.org>"))
        idea_from_email(
            process=process,
            message=_message(message_id="<andere@example.org>", sender="Max <max@example.org>"),
        )

    assert Idea.objects.count() == 5  # every idea is taken in; only the answers are limited
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "erika@example.org",
        "erika@example.org",
        "max@example.org",
    ]


def test_auto_submitted_no_is_a_person_writing(process, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea_from_email(process=process, message=_message(headers={"Auto-Submitted": "no"}))
    assert len(mail.outbox) == 1


def test_a_mail_without_subject_takes_the_first_words_as_title(process):
    text = (
        "Ich wünsche mir eine bessere Busanbindung der Dörfer im Maifeld an den Bahnhof Polch, "
        "besonders am Abend und am Wochenende."
    )

    idea = idea_from_email(process=process, message=_message(subject=None, text=text))

    assert idea is not None
    assert idea.title == "Ich wünsche mir eine bessere Busanbindung der Dörfer im Maifeld an den Bahnhof…"
    assert idea.body == text


def test_a_mail_without_message_id_is_recognised_by_its_content(process):
    first = idea_from_email(process=process, message=_message(message_id=None))
    again = idea_from_email(process=process, message=_message(message_id=None))
    assert first is not None
    assert again is None


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (_message(subject=None, text=""), "The e-mail has neither a subject nor a text."),
        (_message(text="x" * 10001), "The text is longer than %(max)s characters."),
    ],
)
def test_unusable_mails_are_refused_with_a_reason(process, tmp_path, message, reason):
    _write(tmp_path / "in", "bad", message)
    _write(tmp_path / "in", "good", _message(message_id="<gut@example.org>"))

    output = _fetch_refusing(process, tmp_path / "in")

    # The reason is in the site's language (the lead's catalogue translates it).
    expected_reason = gettext(reason) % {"max": 10000} if "%(max)s" in reason else gettext(reason)
    assert output.splitlines() == [
        "imported 1, skipped 0 duplicates, refused 1, failed 0",
        f"  refused bad.eml: {expected_reason}",
    ]
    # Recorded with its reason: the next run does not refuse (and report) it again.
    assert InboundMessage.objects.get(message_id="<idee-1@example.org>").refusal == expected_reason
    assert _fetch(process, tmp_path / "in").splitlines()[0] == (
        "imported 0, skipped 2 duplicates, refused 0, failed 0"
    )


def test_an_invalid_sender_address_is_not_stored_and_not_answered(
    process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_from_email(process=process, message=_message(sender="Jemand <kein-at-zeichen>"))
    assert idea is not None
    assert idea.assisted.contributor_contact == ""
    assert mail.outbox == []


def test_the_domain_option_files_ideas_under_another_domain(process, tmp_path):
    _write(tmp_path / "in", "a", _message())
    _fetch(process, tmp_path / "in", "--domain", "energie")
    assert [d.slug for d in Idea.objects.get().domains.all()] == ["energie"]


def test_command_errors_are_clear(process, tmp_path):
    bare = make_process("ohne-bereiche", domains=[])
    (tmp_path / "in").mkdir()
    with pytest.raises(CommandError, match="no domain of life"):
        _fetch(bare, tmp_path / "in")
    with pytest.raises(CommandError, match="No domain of life with the slug 'gibts-nicht'"):
        _fetch(process, tmp_path / "in", "--domain", "gibts-nicht")
    with pytest.raises(CommandError, match="not a folder"):
        _fetch(process, tmp_path / "fehlt")
    with pytest.raises(CommandError, match="No participation process"):
        call_command("fetch_idea_mails", "--process", "fehlt", "--folder", str(tmp_path / "in"))
    with override_settings(IDEA_MAIL_IMAP_URL=""), pytest.raises(CommandError, match="IDEA_MAIL_IMAP_URL"):
        call_command("fetch_idea_mails", "--process", process.slug)


OWN_WORDS = "Bitte eine Mitfahrbank an der Kirche in Kruft aufstellen."


@pytest.mark.parametrize(
    "history",
    [
        # Outlook, German
        (
            "-----Ursprüngliche Nachricht-----\nVon: Hannelore Beispiel <hannelore@example.net>\n"
            "Gesendet: Montag, 3. November 2025 10:12\nAn: Erika\nBetreff: Bank\n\n"
            "Hauptstraße 12, Tel. 02654 98765"
        ),
        # Outlook without the dashed line
        (
            "________________________________\nVon: Hannelore Beispiel <hannelore@example.net>\n"
            "Gesendet: Montag, 3. November 2025\n\nHauptstraße 12, Tel. 02654 98765"
        ),
        # Outlook, English
        (
            "-----Original Message-----\nFrom: Hannelore Beispiel\nSent: Monday\n\n"
            "Hauptstraße 12, Tel. 02654 98765"
        ),
        # Gmail forward
        (
            "---------- Forwarded message ---------\nFrom: Hannelore Beispiel <hannelore@example.net>\n"
            "Date: Mon, 3 Nov 2025\n\nHauptstraße 12, Tel. 02654 98765"
        ),
        # Thunderbird forward
        (
            "-------- Weitergeleitete Nachricht --------\nBetreff: Bank\nDatum: 03.11.25\n"
            "Von: Hannelore Beispiel <hannelore@example.net>\n\nHauptstraße 12, Tel. 02654 98765"
        ),
        # Apple Mail forward
        (
            "Anfang der weitergeleiteten Nachricht:\n\nVon: Hannelore Beispiel <hannelore@example.net>\n"
            "Hauptstraße 12, Tel. 02654 98765"
        ),
        # A reply with its attribution line wrapped over two lines, and quoted text
        (
            "Am Mo., 3. Nov. 2025 um 10:12 Uhr schrieb Hannelore Beispiel <\nhannelore@example.net>:\n"
            "> Hauptstraße 12, Tel. 02654 98765"
        ),
        (
            "On Mon, Nov 3, 2025 at 10:12 Hannelore Beispiel <hannelore@example.net> wrote:\n"
            "> Hauptstraße 12, Tel. 02654 98765"
        ),
        # The signature
        "-- \nHannelore Beispiel\nHauptstraße 12, Tel. 02654 98765",
    ],
)
def test_quoted_history_and_signatures_are_not_published(process, history):
    message = _message(text=f"{OWN_WORDS}\n\n{history}")

    idea = idea_from_email(process=process, message=message)

    assert idea is not None
    assert idea.body == OWN_WORDS
    for private in ("Hannelore", "Hauptstraße", "02654", "hannelore@example.net"):
        assert private not in idea.search_text + idea.body_html


def test_quoted_lines_and_the_senders_mailto_are_removed(process):
    text = (
        "> Was schlagen Sie vor?\n"
        f"{OWN_WORDS}\n"
        "> Hannelore Beispiel, Tel. 02654 98765\n"
        "Schreiben Sie mir: Erika Muster <mailto:erika@example.org> oder [mailto:erika@example.org]"
    )

    idea = idea_from_email(process=process, message=_message(text=text))

    assert idea is not None
    assert OWN_WORDS in idea.body
    for private in ("02654", "Hannelore", "mailto", "erika@example.org"):
        assert private not in idea.body


def test_quoted_history_in_an_html_mail_is_dropped(process):
    html = (
        f"<p>{OWN_WORDS}</p><blockquote type='cite'><p>Hannelore Beispiel, Tel. 02654 98765</p></blockquote>"
    )

    idea = idea_from_email(process=process, message=_message(text=None, html=html))

    assert idea is not None
    assert idea.body == OWN_WORDS


def test_every_text_part_is_kept_in_order(process):
    message = _message(text="Erster Teil.")
    message.make_mixed()
    photo, second = EmailMessage(), EmailMessage()
    photo.set_content(
        _jpeg_with_gps(), maintype="image", subtype="jpeg", disposition="inline", filename="a.jpg"
    )
    second.set_content("Zweiter Teil: der eigentliche Vorschlag.")
    message.attach(photo)
    message.attach(second)
    forwarded = EmailMessage()
    forwarded.set_content("Angehängte alte Mail von Hannelore, Tel. 02654 98765")
    message.add_attachment(forwarded)  # an attached mail is history, not text

    idea = idea_from_email(process=process, message=message)

    assert idea is not None
    assert idea.body == "Erster Teil.\n\nZweiter Teil: der eigentliche Vorschlag."
    assert idea.image


def test_eml_files_round_trip_through_the_parser(tmp_path):
    path = _write(tmp_path, "x", _message())
    parsed = BytesParser(policy=policy.default).parse(path.open("rb"))
    assert intake.message_text(parsed).startswith("Bitte einen sicheren Radweg")


# --- IMAP: as far as it can be tested without a server ---------------------------------------------


def test_imap_urls_are_parsed():
    tls = ImapSource.from_url("imaps://ideen%40myk.example:geh%C3%A9im%2Fx@mail.example.org/Ideen/Eingang")
    assert (tls.host, tls.port, tls.username, tls.password) == (
        "mail.example.org",
        993,
        "ideen@myk.example",
        "gehéim/x",
    )
    assert (tls.folder, tls.starttls) == ("Ideen/Eingang", False)
    assert "gehéim" not in repr(tls)

    starttls = ImapSource.from_url("imap://user:pw@127.0.0.1:1143")
    assert (starttls.port, starttls.folder, starttls.starttls) == (1143, "INBOX", True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("pop3://u:p@host/INBOX", "Unsupported scheme"),
        ("imaps:///INBOX", "no host name"),
        ("imaps://host/INBOX", "needs a user name and a password"),
        ("imaps://user@host/INBOX", "needs a user name and a password"),
        ("imaps://u:p@host:99999/INBOX", "invalid port"),
    ],
)
def test_bad_imap_urls_are_refused(url, message):
    with pytest.raises(MailboxError, match=message):
        ImapSource.from_url(url)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_imap_server_gives_a_clear_error(process):
    port = _closed_port()
    with pytest.raises(
        CommandError, match=rf"Could not open the mailbox INBOX on 127\.0\.0\.1:{port}"
    ) as error:
        call_command(
            "fetch_idea_mails", "--process", process.slug, "--imap-url", f"imaps://u:geheim@127.0.0.1:{port}/"
        )
    assert "geheim" not in str(error.value)


def test_the_task_reads_the_mailbox_from_the_settings(process):
    with override_settings(IDEA_MAIL_IMAP_URL=""), pytest.raises(MailboxError, match="not set"):
        intake.idea_mails_fetch.call(process_slug=process.slug)
    port = _closed_port()
    with override_settings(IDEA_MAIL_IMAP_URL=f"imap://u:p@127.0.0.1:{port}/"), pytest.raises(MailboxError):
        intake.idea_mails_fetch.call(process_slug=process.slug)


# --- Concurrency on PostgreSQL ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_fetches_create_one_idea(monkeypatch):
    process = make_process("parallel")
    monkeypatch.setattr(intake, "seen_before", lambda message_id: False)
    threads, barrier = 6, threading.Barrier(6, timeout=30)
    results: list[object] = []
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            barrier.wait()
            results.append(idea_from_email(process=process, message=_message()))
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=fetch) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert not errors, errors
    assert sum(result is not None for result in results) == 1
    assert Idea.objects.count() == 1
    assert InboundMessage.objects.count() == 1
