import { PHOTO_MAX_SIDE } from '@acs/shared/api/reception';

/**
 * A camera's photo (several MB, 4000×3000) scaled down so that its longest side is at most
 * `maxSide` pixels, as a JPEG: about 100-200 KB, enough to recognise a face at the counter,
 * and far below the server's limit for photos.
 */
export async function shrinkPhoto(file: Blob, maxSide = PHOTO_MAX_SIDE, quality = 0.8): Promise<Blob> {
  // 'from-image' applies the EXIF orientation, so a photo taken with the phone upright stays upright.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', quality),
    );
  } finally {
    bitmap.close();
  }
}
