"""Checks of the voice page as a user sees it, in the real browser: what the state indicator says
(and every state it has said), whether a control is really under the pointer, whether any two
pieces of text overlap, and screenshots kept as test artefacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "build" / "screenshots"))

# Every label the state indicator shows, in order, sampled as the page runs.
RECORD_STATES = """
window.__states = [];
const label = () => {
  const state = document.querySelector('#call-state .call-state');
  if (!state) return null;
  const shown = [...state.querySelectorAll('span:not(.dot)')]
    .filter(s => getComputedStyle(s).display !== 'none');
  return shown.map(s => s.textContent.trim()).join(' ');
};
setInterval(() => {
  const now = label();
  if (now && window.__states[window.__states.length - 1] !== now) window.__states.push(now);
}, 50);
"""

# Pairs of text runs whose boxes overlap, as drawn: each run's box is clipped by the scroll areas
# around it (text scrolled out of sight is not drawn), and runs that are not visible are skipped.
OVERLAPPING_TEXT = """
const runs = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const clipOf = (el) => {
  let box = {left: 0, top: 0, right: innerWidth, bottom: document.documentElement.scrollHeight};
  for (let a = el; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return null;
    if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return null;
    if (s.overflow !== 'visible' || s.overflowY !== 'visible' || s.overflowX !== 'visible') {
      const r = a.getBoundingClientRect();
      box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
             right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
    }
  }
  return box;
};
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!node.textContent.trim() || !node.parentElement) continue;
  const clip = clipOf(node.parentElement);
  if (!clip) continue;
  const range = document.createRange();
  range.selectNodeContents(node);
  for (const r of range.getClientRects()) {
    const box = {left: Math.max(r.left, clip.left), top: Math.max(r.top, clip.top),
                 right: Math.min(r.right, clip.right), bottom: Math.min(r.bottom, clip.bottom)};
    if (box.right - box.left > 1 && box.bottom - box.top > 1)
      runs.push({node, box, text: node.textContent.trim().slice(0, 40)});
  }
}
const overlaps = [];
for (let i = 0; i < runs.length; i++) {
  for (let j = i + 1; j < runs.length; j++) {
    const a = runs[i].box, b = runs[j].box;
    if (runs[i].node === runs[j].node) continue;
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 2 && h > 2) overlaps.push([runs[i].text, runs[j].text]);
  }
}
return overlaps;
"""

COVERED_BY = """
const el = arguments[0];
el.scrollIntoView({block: 'center'});
const r = el.getBoundingClientRect();
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
if (!hit) return 'nothing';
if (el === hit || el.contains(hit)) return null;
return hit.tagName.toLowerCase() + (hit.id ? '#' + hit.id : '') +
  (hit.className && typeof hit.className === 'string' ? '.' + hit.className.split(' ')[0] : '');
"""


def record_states(driver: WebDriver) -> None:
    driver.execute_script(RECORD_STATES)


def states(driver: WebDriver) -> list[str]:
    """Every label the state indicator has shown since `record_states`, in order."""
    return list(driver.execute_script("return window.__states || []"))


def covered_by(driver: WebDriver, element: WebElement) -> str | None:
    """What is at the centre of `element` instead of it (None: the element itself is there)."""
    hit: str | None = driver.execute_script(COVERED_BY, element)
    return hit


def overlapping_text(driver: WebDriver) -> list[Any]:
    """Pairs of visible text runs drawn over each other."""
    return list(driver.execute_script(OVERLAPPING_TEXT))


def screenshot(driver: WebDriver, name: str, width: int) -> Path:
    """The whole page at `width` px, kept under build/screenshots (or $SCREENSHOTS_DIR)."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 40, 4000))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    return path
