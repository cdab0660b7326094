"""Photos made small on the phone, kept with their entry offline, and sent whole after it."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.attachments import storage
from tests.browser.test_offline_reading import logged_in, pages_kept_at, synced
from tests.catalogue_helpers import item_ids, member_ids
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser

PICK_PHOTO = """async ([width, height, noisy]) => {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (noisy) {
    const image = context.createImageData(width, height);
    for (let at = 0; at < image.data.length; at += 65536) {
      crypto.getRandomValues(image.data.subarray(at, at + 65536));
    }
    context.putImageData(image, 0, 0);
  } else {
    const gradient = context.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, '#3366cc');
    gradient.addColorStop(1, '#ffcc33');
    context.fillStyle = gradient;
    context.fillRect(0, 0, width, height);
  }
  const type = noisy ? 'image/png' : 'image/jpeg';
  const blob = await canvas.convertToBlob({ type, quality: 0.95 });
  const input = document.querySelector('[data-photo] input[type=file]');
  const transfer = new DataTransfer();
  transfer.items.add(new File([blob], 'IMG_0001.jpg', { type: blob.type }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}"""

KEPT_FILES = """async () => {
  const outbox = await import('/static/outbox.js');
  const files = await outbox.files(document.body.dataset.account);
  return files.map((f) => {
    let text = '';
    for (const byte of new Uint8Array(f.body)) text += String.fromCharCode(byte);
    const { entry_id, name, state, sha256 } = f;
    return { entry_id, name, state, sha256, body: btoa(text) };
  });
}"""


def _server_file(entry_id: str, name: str) -> bytes | None:
    root = Path(os.environ["DATA_DIR"]) / "attachments"
    return storage.read(root, uuid.UUID(entry_id), name)


def test_a_photo_taken_offline_reaches_the_server_byte_for_byte_after_a_cut_off(
    phone, context, db, errors
):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.page.reload()
    phone.fill_visit(note="屋顶漏雨，拍照为证")
    phone.page.evaluate(PICK_PHOTO, [3000, 2250, False])
    expect(phone.page.locator("[data-photo-state]")).to_contain_text("照片已压缩")
    phone.save()
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")
    [kept] = phone.page.evaluate(KEPT_FILES)
    photo = base64.b64decode(kept["body"])
    assert photo[:3] == b"\xff\xd8\xff" and len(photo) <= 300 * 1024
    [entry] = [r for r in phone.outbox() if r["id"] == kept["entry_id"]]
    assert entry["attachments"] == [
        {"name": "photo", "sha256": kept["sha256"], "bytes": len(photo)}
    ]
    cut = []

    def cut_once(route):
        if route.request.method == "PUT" and not cut:
            cut.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route("**/api/sync/attachments/**", cut_once)
    context.set_offline(False)
    phone.wait_for(lambda: _server_file(kept["entry_id"], "photo") is not None, timeout=30)
    assert cut, "the first upload was cut off"
    assert _server_file(kept["entry_id"], "photo") == photo
    phone.wait_for(lambda: phone.page.evaluate(KEPT_FILES)[0]["state"] == "sent")
    phone.open("/sync")
    expect(phone.page.locator("#sync-files")).to_have_text("0")
    assert errors == []


def test_a_photo_over_the_limit_is_refused_before_saving_and_the_form_keeps_what_was_typed(
    phone, db
):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    phone.fill_visit(note="老人腿脚不便")
    phone.page.evaluate(PICK_PHOTO, [1600, 1600, True])
    expect(phone.page.locator("#err-photo")).to_contain_text("压缩后仍超过 300 KB")
    phone.save()
    expect(phone.page.locator("#status")).to_have_text("尚未保存：请修改标出的内容。")
    assert phone.page.input_value("#note-health") == "老人腿脚不便"
    assert phone.outbox() == []


def test_a_signed_delivery_and_a_handout_photo_saved_offline_arrive_byte_for_byte(
    phone, context, db
):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    for form in ("medicine", "supplies"):
        phone.open(f"/households/{household}/{form}")
    context.set_offline(True)
    phone.open(f"/households/{household}/medicine")
    phone.page.select_option("#f-member_id", db(member_ids, household)[0])
    phone.page.select_option("#f-items-0-item_id", db(item_ids, "medicine")["二甲双胍片"])
    phone.page.fill("#f-items-0-quantity", "2")
    canvas = phone.page.locator("canvas.signature-pad")
    canvas.scroll_into_view_if_needed()
    pad = canvas.bounding_box()
    phone.page.mouse.move(pad["x"] + 20, pad["y"] + 100)
    phone.page.mouse.down()
    for step in range(1, 12):
        phone.page.mouse.move(pad["x"] + 20 + step * 25, pad["y"] + 100 - (step % 3) * 30)
    phone.page.mouse.up()
    expect(phone.page.locator("[data-signature-state]")).to_have_text("已签名。")
    _save(phone, "medicine-form")
    phone.open(f"/households/{household}/supplies")
    phone.page.select_option("#f-items-0-item_id", db(item_ids, "supplies")["棉袄"])
    phone.page.fill("#f-items-0-quantity", "1")
    phone.page.evaluate(PICK_PHOTO, [2000, 1500, False])
    expect(phone.page.locator("[data-photo-state]")).to_contain_text("照片已压缩")
    _save(phone, "supplies-form")
    kept = {f["name"]: f for f in phone.page.evaluate(KEPT_FILES)}
    signature = base64.b64decode(kept["signature"]["body"])
    assert signature.startswith(b"\x89PNG") and len(signature) < 100 * 1024
    context.set_offline(False)
    for name, file in kept.items():
        phone.wait_for(lambda f=file, n=name: _server_file(f["entry_id"], n) is not None)
        assert _server_file(file["entry_id"], name) == base64.b64decode(file["body"])


def _save(phone, form_id: str) -> None:
    phone.page.locator("#status").evaluate("el => { el.textContent = '' }")
    phone.page.click(f"#{form_id} button[type=submit]")
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")


DRAWN = """(selector) => {
  const img = document.querySelector(selector);
  return Boolean(img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0);
}"""


def test_my_record_offline_shows_a_photo_from_the_phones_own_copy(phone, context, db, errors):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone, "vol1")
    context.set_offline(True)
    phone.open(f"/households/{household}/visit")
    phone.fill_visit(note="屋顶漏雨，拍照为证")
    phone.page.evaluate(PICK_PHOTO, [1200, 900, False])
    expect(phone.page.locator("[data-photo-state]")).to_contain_text("照片已压缩")
    phone.save()
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")
    [kept] = phone.page.evaluate(KEPT_FILES)
    phone.open("/me")  # waiting: the overlay draws it
    phone.page.wait_for_function(
        DRAWN, arg=f"li[data-pending] img[data-entry-file='{kept['entry_id']}/photo']"
    )
    before = pages_kept_at(phone)
    context.set_offline(False)
    synced(phone, before)
    phone.wait_for(lambda: _server_file(kept["entry_id"], "photo") is not None)
    context.set_offline(True)
    assert phone.open("/me").from_service_worker  # the server's page, linking the server's copy
    row = phone.page.locator(f"li[data-entry='{kept['entry_id']}']:not([data-pending])")
    row.locator("summary").click()
    phone.page.wait_for_function(DRAWN, arg=f"li[data-entry='{kept['entry_id']}'] details img")
    assert errors == []
