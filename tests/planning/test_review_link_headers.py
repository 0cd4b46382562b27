"""A reviewer's name with a line break cannot break the emails that carry it."""

import logging
import socket

from django.core import mail
from django.test import override_settings

from planning.models import ReviewLink

from . import test_review_links
from .test_review_links import answer, create_link, reviewer

# The draft and its link, as the review link tests make them.
draft, link = test_review_links.draft, test_review_links.link


def test_a_reviewer_name_with_a_line_break_is_refused_with_a_clear_error(planning, draft, client):
    response = create_link(client, planning["editor"], draft, reviewer_name="Eve\nBcc: all@x.org")
    assert response.status_code == 200
    assert "without line breaks" in response.content.decode()
    assert not ReviewLink.objects.exists()


def test_a_stored_name_with_a_line_break_still_gets_the_answer_emailed_on_one_line(
    planning, link, draft
):
    ReviewLink.objects.update(reviewer_name="Jane\r\nBcc: all@example.org")
    mail.outbox.clear()
    answer(reviewer(), link, "approve", comment="Fine by me.")
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.startswith("Jane Bcc: all@example.org:")
    assert message.to == ["second_editor@example.org"] and not message.bcc


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_mail_server_failure_is_logged_as_an_error(planning, link, draft, caplog):
    unreachable = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }
    with override_settings(MAILERS=unreachable), caplog.at_level(logging.ERROR, "planning"):
        response = answer(reviewer(), link, "comment", comment="A thought.")
    assert response.status_code == 302  # the answer is kept
    [record] = [r for r in caplog.records if r.name == "planning.notify"]
    assert record.levelno == logging.ERROR and "Could not send" in record.getMessage()
