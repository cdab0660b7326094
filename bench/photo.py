"""Photo compression on the phone, in Chromium: time and resulting bytes for a 12-megapixel
JPEG (4000 × 3000), unthrottled and at 4× CPU throttling, in the same run.

    .venv/bin/python bench/photo.py [--runs 5] [--cpu 1 4]

The page imports ``/static/photo.js`` (what a form runs when a photo is chosen) and times
``compress(file)``: decoding, resizing to 1600 px on the longest side, and JPEG encoding
with the quality stepped down until the file is at most 300 KiB. The photo is made in the
page once: gradients, shapes and fine noise, so it encodes about as a camera's does.
CPU throttling is the DevTools protocol's ``Emulation.setCPUThrottlingRate``.
"""

from __future__ import annotations

import argparse
import statistics

from client_common import demo_server
from playwright.sync_api import sync_playwright

from tests.support import CHROMIUM_ARGS  # client_common put the project on the path

MAKE_PHOTO = """async () => {
  const [width, height] = [4000, 3000];
  const canvas = new OffscreenCanvas(width, height);
  const c = canvas.getContext('2d');
  const sky = c.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, '#7fb2e5'); sky.addColorStop(0.55, '#e8eef2'); sky.addColorStop(1, '#5b7a3a');
  c.fillStyle = sky; c.fillRect(0, 0, width, height);
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let n = 0; n < 400; n++) {
    c.fillStyle = `hsl(${Math.floor(random() * 360)}, 35%, ${30 + Math.floor(random() * 40)}%)`;
    c.fillRect(random() * width, height * 0.4 + random() * height * 0.6, 40 + random() * 400,
      20 + random() * 300);
  }
  // Fine texture, as leaves, walls and sensor noise give a real photo.
  const image = c.getImageData(0, 0, width, height);
  for (let i = 0; i < image.data.length; i += 4) {
    const grain = (random() - 0.5) * 28;
    image.data[i] += grain; image.data[i + 1] += grain; image.data[i + 2] += grain;
  }
  c.putImageData(image, 0, 0);
  window.__photo = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  return window.__photo.size;
}"""

COMPRESS = """async () => {
  const { compress } = await import('/static/photo.js');
  const file = new File([window.__photo], 'IMG_0001.jpg', { type: 'image/jpeg' });
  const started = performance.now();
  const blob = await compress(file);
  return [performance.now() - started, blob ? blob.size : -1];
}"""


def run(browser, server, runs: int, cpu: float) -> list[tuple[float, int]]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.evaluate(MAKE_PHOTO)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    page.evaluate(COMPRESS)  # warm up: the module, the decoder
    results = [tuple(page.evaluate(COMPRESS)) for _ in range(runs)]
    context.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu", type=float, nargs="+", default=[1, 4])
    args = parser.parse_args()
    with demo_server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(f"{server.url}/login")
        source = page.evaluate(MAKE_PHOTO)
        page.close()
        print(f"a 4000 × 3000 JPEG of {source / 1024:.0f} KiB, {args.runs} runs per rate")
        print(f"{'cpu':>6} {'median ms':>10} {'max ms':>8} {'KiB':>6} {'of source':>10}")
        medians = {}
        for cpu in args.cpu:
            results = run(browser, server, args.runs, cpu)
            times = [t for t, _ in results]
            size = results[-1][1]
            medians[cpu] = statistics.median(times)
            print(
                f"{cpu:>5}x {medians[cpu]:10.0f} {max(times):8.0f} {size / 1024:6.0f}"
                f" {size / source:10.3f}"
            )
        first, *rest = args.cpu
        for cpu in rest:
            print(f"{cpu}x throttled / {first}x: {medians[cpu] / medians[first]:.2f}")
        browser.close()


if __name__ == "__main__":
    main()
