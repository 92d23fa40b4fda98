"""WCAG 2 contrast, for tests that read colours off the page."""


def contrast(a, b):
    """The contrast ratio of two CSS colours, "rgb(r, g, b)" (or "rgba(...)") as getComputedStyle gives them."""
    def luminance(css):
        r, g, b = (int(v) / 255 for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
