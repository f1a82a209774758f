"""The enrolment QR code, drawn on the server as SVG (segno): no CDN and no JavaScript library,
which an isolated government network would not have."""

import segno


def qr_svg(text: str) -> str:
    """An inline <svg> of `text`'s QR code, with a title for screen readers."""
    return str(
        segno.make(text, error="m").svg_inline(
            scale=4, border=2, dark="#1d273b", light="#ffffff", omitsize=False
        )
    )
