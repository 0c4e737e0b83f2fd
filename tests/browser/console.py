"""What the browser reports going wrong on a page."""


def collect_errors(page) -> list[str]:
    """Console errors and uncaught page exceptions of `page`, from now on."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return errors
