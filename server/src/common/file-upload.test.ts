import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { jpegImage, pdfFile, pngImage } from '../testing/sample-files.js';
import { describeBytes, sniffFileKind } from './file-upload.js';

describe('file kinds are judged by content', () => {
  test('recognises PDF, PNG, JPEG, WebP and UTF-8 text by their first bytes', () => {
    assert.equal(sniffFileKind(pdfFile(2000)), 'pdf');
    assert.equal(sniffFileKind(pngImage(4, 4)), 'png');
    assert.equal(sniffFileKind(jpegImage(8, 8)), 'jpeg');
    assert.equal(sniffFileKind(Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(20)])), 'webp');
    assert.equal(sniffFileKind(Buffer.from('巡查记录\r\n\t22:00 封条完好\n', 'utf8')), 'text');
  });

  test('refuses executables, archives, binary data and text with control characters', () => {
    assert.equal(sniffFileKind(Buffer.from('MZ\x90\x00\x03\x00', 'latin1')), null);
    assert.equal(sniffFileKind(Buffer.from('\x7fELF\x02\x01\x01', 'latin1')), null);
    assert.equal(sniffFileKind(Buffer.from('PK\x03\x04\x14\x00', 'latin1')), null);
    assert.equal(sniffFileKind(Buffer.from([0xc3, 0x28, 0x41])), null, 'not UTF-8');
    assert.equal(sniffFileKind(Buffer.from('text\u0000with a NUL')), null);
    assert.equal(sniffFileKind(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')), null, 'RIFF but not WebP');
  });

  test('limits read as people say them', () => {
    assert.equal(describeBytes(2 * 1024 * 1024), '2 MB');
    assert.equal(describeBytes(100 * 1024), '100 KB');
  });
});
