"""Reading the e-mails Django's test mailbox caught."""

import re


def link_in(message):
    """The first link in an e-mail's body."""
    return re.search(r"https?://\S+", message.body).group(0)
