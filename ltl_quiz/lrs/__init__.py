"""Send xAPI statements to a learning record store, and remember what it has accepted.

Statements go in batches to ``{endpoint}/statements`` with HTTP Basic authentication and the
``X-Experience-API-Version: 1.0.3`` header. A transient failure (no connection, a time-out, 408,
429 or a 5xx) is retried with exponential back-off, honouring ``Retry-After``; a client error
(401, 403, 409, any other 4xx) stops at once with a message saying what to do, because sending
the same request again cannot fix it. After each accepted batch the statement ids are recorded
for that endpoint in the store, in the same step, so the next push sends only new statements,
and a push stopped half way resumes where it stopped.

The standard library's HTTP client is enough for one POST at a time, so there is no dependency
for it. It is told never to follow a redirect: a 3xx is an error, because following one would
send the Basic credentials to whatever host the answer names, and its 200 would be counted as
acceptance by a server that never stored anything. An answer that breaks the protocol (a garbage
status line, a body cut short) is retried like a 5xx. Each try has an overall deadline as well as
the per-read time-out, so a server that dribbles a byte every few seconds cannot hold a batch.

What the LRS sends back (its error body, a Location header) may echo the credentials: it passes
through ``Credentials.scrub``, which removes the password, ``user:password``, the Basic token and
URL userinfo. Our own text is never scrubbed by substring, so a short password cannot turn the
endpoint's address into ``htt***://``.

Statements the store no longer supports are voided: ones the LRS accepted for an attempt that
are no longer derived from it (a merge replaced the attempt), and ones of attempts erased from
the store (``store.voids.record_voided``, written by the erasure).
"""

from ltl_quiz.lrs.endpoint import Credentials, Endpoint
from ltl_quiz.lrs.pusher import Pusher, PushPolicy, PushReport, push

__all__ = ["Credentials", "Endpoint", "PushPolicy", "PushReport", "Pusher", "push"]
