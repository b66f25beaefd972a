// Real files made by the tests themselves (no binary fixtures in the repository): a PDF of
// any size, a PNG and a JPEG that image decoders open. Not a test file itself.
import { crc32, deflateSync } from 'node:zlib';

/**
 * A valid one-page PDF of exactly `size` bytes: the page says `text`; an unused stream of
 * pseudo-random bytes (as a scanned page would be) pads it, with a correct xref table.
 */
export function pdfFile(size: number, text = 'Incident statement'): Buffer {
  const content = `BT /F1 24 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const head = (pad: number) => [
    '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n',
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>\nendobj\n',
    `4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`,
    `5 0 obj\n<< /Length ${pad} >>\nstream\n`,
  ];
  const tail = ['\nendstream\nendobj\n', '6 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n'];
  const build = (pad: number): Buffer => {
    const parts = [...head(pad).map((p) => Buffer.from(p, 'latin1')), noise(pad), ...tail.map((p) => Buffer.from(p, 'latin1'))];
    // Byte offsets of objects 1..6: each starts a part, except 5's stream data and 6 after the stream's end.
    const offsets: number[] = [];
    let at = 0;
    parts.forEach((part, i) => {
      if (i >= 1 && i <= 5) offsets.push(at);
      if (i === 8) offsets.push(at);
      at += part.length;
    });
    const xref = ['xref\n0 7\n0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
    const trailer = `trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`;
    return Buffer.concat([...parts, Buffer.from(xref + trailer, 'latin1')]);
  };
  // The stream's /Length and startxref get wider with the padding: settle in a few passes.
  let pad = 0;
  for (let pass = 0; pass < 4; pass++) {
    const file = build(pad);
    if (file.length === size) return file;
    pad = Math.max(0, pad + size - file.length);
  }
  throw new Error(`pdfFile: cannot make exactly ${size} bytes`);
}

/** Deterministic bytes that do not compress (a scan, a photo). */
function noise(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 0x12345678;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * An RGB PNG of `width` × `height` pixels. `noisy` fills it with noise so that it does not
 * compress: about 3 bytes a pixel, like a photo.
 */
export function pngImage(width: number, height: number, noisy = false): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter set, no interlace
  const rowBytes = width * 3;
  const raw = Buffer.alloc((rowBytes + 1) * height);
  const random = noisy ? noise(rowBytes * height) : null;
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const p = row + 1 + x * 3;
      if (random) random.copy(raw, p, y * rowBytes + x * 3, y * rowBytes + x * 3 + 3);
      else raw.set([(x * 255) / Math.max(1, width - 1), (y * 255) / Math.max(1, height - 1), 160], p);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A baseline grayscale JPEG of `width` × `height` pixels (multiples of 8), one flat mid-grey:
 * every block is "no change of DC, end of block", coded with one-symbol Huffman tables.
 * `metadataBytes` of comment segments make it as large as a camera's file with its EXIF
 * data and thumbnail; any decoder still opens it.
 */
export function jpegImage(width: number, height: number, metadataBytes = 0): Buffer {
  if (width % 8 || height % 8) throw new Error('jpegImage: width and height must be multiples of 8');
  const segment = (marker: number, data: number[]) => [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data];
  const blocks = (width / 8) * (height / 8);
  // Two bits per block ("0" DC category 0, "0" end of block), padded with ones.
  const bits = blocks * 2;
  const scan = Buffer.alloc(Math.ceil(bits / 8), 0);
  const spare = scan.length * 8 - bits;
  if (spare) scan[scan.length - 1] = (1 << spare) - 1;
  const oneSymbol = (tableClass: number, symbol: number) => [(tableClass << 4) | 0, 1, ...new Array<number>(15).fill(0), symbol];
  const comments: Buffer[] = [];
  for (let left = metadataBytes; left > 0;) {
    const length = Math.min(left, 65_000);
    const body = noise(length).map((b) => (b === 0xff ? 0xfe : b));
    comments.push(Buffer.concat([Buffer.from([0xff, 0xfe, (length + 2) >> 8, (length + 2) & 0xff]), body]));
    left -= length;
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    Buffer.from(segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0])), // JFIF 1.1
    ...comments,
    Buffer.from(segment(0xdb, [0x00, ...new Array<number>(64).fill(1)])),
    Buffer.from(segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0])),
    Buffer.from(segment(0xc4, oneSymbol(0, 0x00))),
    Buffer.from(segment(0xc4, oneSymbol(1, 0x00))),
    Buffer.from(segment(0xda, [1, 1, 0x00, 0, 63, 0])),
    scan,
    Buffer.from([0xff, 0xd9]),
  ]);
}
