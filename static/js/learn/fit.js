// Presenter mode shows one step per screen with nothing to scroll: when a step is taller than the
// room it has, it is zoomed out just enough to fit (CSS zoom, so the layout reflows at that size).
// fitted() -> the zoom in use, for tests and for the report of text sizes.

const MIN_ZOOM = 0.5;

export function createFitter(article, currentStep) {
  let frame = null;

  function fit() {
    frame = null;
    const step = currentStep();
    for (const s of article.querySelectorAll('.step')) if (s !== step) s.style.zoom = '';
    if (!step) return;
    step.style.zoom = '';
    if (!document.body.classList.contains('presenting')) return;
    article.scrollTop = 0; // one step per screen: nothing scrolled out of view
    const overflows = () => article.scrollHeight > article.clientHeight + 1;
    let zoom = 1;
    if (overflows()) { // the largest zoom that fits, by bisection (zoom reflows the text, so no formula)
      let lo = MIN_ZOOM, hi = 1;
      for (let i = 0; i < 7; i++) {
        const mid = (lo + hi) / 2;
        step.style.zoom = mid.toFixed(3);
        if (overflows()) hi = mid;
        else lo = mid;
      }
      zoom = lo;
      step.style.zoom = zoom.toFixed(3);
    }
    step.dataset.zoom = zoom.toFixed(3);
  }

  const schedule = () => { frame ??= requestAnimationFrame(fit); };
  new MutationObserver(schedule).observe(article, { childList: true, subtree: true, characterData: true });
  window.addEventListener('resize', schedule);
  return { schedule, fit };
}
