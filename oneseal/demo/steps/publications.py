"""The demo's public register (行政许可公示): every licence decision the demo made — the grants,
the change, the renewals (one deemed), the cancellation and the revocation — was opened as a
pending publication when it was decided; the worker's `publish_due` publishes them. Run after
the documents step, so each publication carries its decision document's number (XK_WSH).

Idempotent: a second run finds nothing pending. Every write goes through
`publications.actions`."""

from oneseal.publications import actions


def load(*, today) -> list[str]:
    done = actions.publish_due(today)
    if not any(done.values()):
        return []
    return [f"许可公示：补登 {done['opened']} 条，公示 {done['published']} 条"]
