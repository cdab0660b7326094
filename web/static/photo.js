// Photos are made small on the phone before they are saved: the longest side at most
// 1600 px, the JPEG quality stepped down until the file fits the limit (300 KiB). A photo
// that does not fit even then is refused before anything is saved.

export const MAX_SIDE = 1600;
export const MAX_BYTES = 300 * 1024;
const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45, 0.35];

/** The picture in `file`, decoded (turned upright where the browser reads its EXIF). */
async function decode(file) {
  if (typeof createImageBitmap === "function") {
    return createImageBitmap(file, { imageOrientation: "from-image" });
  }
  const image = new Image();
  const url = URL.createObjectURL(file);
  try {
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A canvas of `width` × `height`: off screen where the browser has one. */
function canvasOf(width, height) {
  if (typeof OffscreenCanvas === "function") return new OffscreenCanvas(width, height);
  const canvas = document.createElement("canvas");
  Object.assign(canvas, { width, height });
  return canvas;
}

/** The canvas as a JPEG at `quality`. */
function jpeg(canvas, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

/**
 * `file` (a photo from the camera or the gallery) as a JPEG Blob of at most `maxBytes`,
 * resized so its longest side is at most `maxSide`; null when no quality makes it fit.
 */
export async function compress(file, { maxSide = MAX_SIDE, maxBytes = MAX_BYTES } = {}) {
  const picture = await decode(file);
  const width = picture.width;
  const height = picture.height;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = canvasOf(Math.round(width * scale), Math.round(height * scale));
  const context = canvas.getContext("2d");
  // A JPEG has no transparency: a transparent source (a PNG) turns white, not black.
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(picture, 0, 0, canvas.width, canvas.height);
  picture.close?.();
  for (const quality of QUALITIES) {
    const blob = await jpeg(canvas, quality);
    if (blob && blob.size <= maxBytes) return blob;
  }
  return null;
}
