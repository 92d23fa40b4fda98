"""Reading numbers off the screen as a learner reads them, and checking that they add up."""
import math
import re

MINUS = "\u2212"
NUMBER = re.compile(r"≈0|[−-]?\d+(?:\.\d+)?")


def parse(text):
    """'−1.250' -> -1.25, '≈0' -> 0.0."""
    text = text.strip().replace(MINUS, "-")
    return 0.0 if text == "≈0" else float(text)


def decimals(text):
    text = text.strip()
    return len(text.split(".")[1]) if "." in text else 0


def half_unit(texts):
    """Half a unit in the last place of the most precise number shown (the display's rounding)."""
    precise = [decimals(t) for t in texts if t != "≈0"]
    return 0.5 * 10 ** -max(precise) if precise else 0.5  # "≈0" alone: only "less than half the last place"


def numbers_in(text):
    return NUMBER.findall(text.replace(",", ""))


def adds_up(terms, total, slack=1e-9):
    """terms and total as shown: their sum is within the rounding of every number shown (each its own
    half unit in the last place: terms may be a decimal finer than their total; a "≈0" counts as
    precise as the most precise number shown)."""
    shown = [*terms, total]
    finest = half_unit(shown)
    tolerance = sum(finest if t.strip() == "≈0" else half_unit([t]) for t in shown) + slack
    error = abs(sum(parse(t) for t in terms) - parse(total))
    return error <= tolerance, error, tolerance


def spans(locator):
    """The text of every number span (class num) in an element, in reading order."""
    return locator.evaluate("(el) => Array.from(el.querySelectorAll('.num'), (s) => s.textContent)")


def cells(table):
    return table.evaluate("(t) => Array.from(t.querySelectorAll('td'), (c) => c.textContent)")


# Gradients are written with significant digits, and tiny or huge ones in school notation: "4.37×10⁻⁴".
SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
SCIENTIFIC = re.compile(r"[−-]?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")


def scientific(text):
    """The first number in text, like '−4.37×10⁻⁴' or '0.0123' -> (value, half a unit in its last digit)."""
    m = SCIENTIFIC.search(text).group().replace(MINUS, "-")
    mantissa, _, power = m.partition("×10")
    exponent = int(power.translate(SUPERSCRIPT_DIGITS) or 0)
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return float(mantissa) * 10 ** exponent, 0.5 * 10 ** (exponent - places)


def gradient_checks(page, panel):
    """Every sum and product in a gradient arithmetic panel (CSS selector `panel`), read off the screen:
    a sum's terms add up to its total (a difference's second term taken away) within the rounding of every
    number shown; a product's factors
    multiply to its total within 1 % and the total's rounding. -> the checks as shown."""
    checks = page.eval_on_selector_all(f"{panel} .sum-check, {panel} .difference-check, {panel} .product-check", """els => els.map(e => ({
        kind: ['sum', 'difference', 'product'].find((k) => e.classList.contains(`${k}-check`)),
        text: e.textContent,
        parts: [...e.querySelectorAll('.term, .factor')].map(s => s.textContent),
        total: e.querySelector('.total').textContent }))""")
    for c in checks:
        parts = [scientific(p)[0] for p in c["parts"]]
        total, total_half_unit = scientific(c["total"])
        if c["kind"] in ("sum", "difference"):
            if c["kind"] == "difference":
                parts = [parts[0], -parts[1]]
            slack = sum(scientific(p)[1] for p in c["parts"]) + total_half_unit
            assert abs(sum(parts) - total) <= slack, c
        else:
            assert abs(math.prod(parts) - total) <= 1e-2 * abs(total) + total_half_unit, c
    return checks
