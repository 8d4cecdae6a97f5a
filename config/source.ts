/**
 * Reading a configuration file's bytes and decoding them as UTF-8, refusing whatever is not a small UTF-8 text file:
 * a FIFO, a device, a socket or a directory (which would block or never end), a file over {@link MAX_CONFIG_BYTES},
 * UTF-16 and UTF-32 text (YAML allows them; this product reads UTF-8 only), and bytes that are not UTF-8.
 *
 * YAML 1.2 character encodings and their detection from the first bytes: https://yaml.org/spec/1.2.2/#52-character-encodings
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The largest configuration file read, in bytes (1 MiB; a 500-account estate is about 60 KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Why a file could not be read, as one rule for a {@link ConfigProblem}-style message (`$`, no line). */
export class SourceError extends Error {
  constructor(
    /** What is allowed, in words. */
    readonly rule: string,
    /** What the file is or holds, e.g. `a FIFO (named pipe)`, for the value part of the message. @default undefined */
    readonly shown?: string,
  ) {
    super(rule);
    this.name = 'SourceError';
  }
}

/** What a non-regular file is, in words. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads at most {@link MAX_CONFIG_BYTES} + 1 bytes of `file`, without ever blocking: the file is opened with
 * `O_NONBLOCK` (opening a FIFO for reading would otherwise wait for a writer) and checked with `fstat` before anything
 * is read, so a FIFO, a device (`/dev/zero`, `/dev/stdin` on a terminal or a pipe), a socket or a directory is refused
 * at once. `O_NONBLOCK` has no effect on regular files.
 * @see https://man7.org/linux/man-pages/man2/open.2.html (O_NONBLOCK and FIFOs)
 * @returns the file's bytes
 * @throws SourceError when the file cannot be opened (with the system's code, e.g. ENOENT), is not a regular file, or
 *   is larger than {@link MAX_CONFIG_BYTES}.
 */
export function readConfigBytes(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    // ENXIO: a socket (or a device with nothing behind it), e.g. /dev/stdin when standard input is a socket.
    const why = code === 'ENXIO' ? ': it is a socket, or a device with nothing behind it, not a file' : '';
    throw new SourceError(`the configuration file must exist and be readable (${code}${why})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const why = st.isDirectory() ? '' : ', which is never read (reading it could block, or never end)';
      throw new SourceError(`a regular file (a YAML file of at most 1 MiB); this is ${kindOf(st)}${why}`, kindOf(st));
    }
    if (st.size > MAX_CONFIG_BYTES) {
      throw new SourceError(
        `a configuration file of at most ${MAX_CONFIG_BYTES} bytes (1 MiB); this one has ${st.size}`,
        `${st.size} bytes`,
      );
    }
    // Read to the end, but never past the bound: a file can grow while it is read, and files such as those under
    // /proc report a size of 0.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, MAX_CONFIG_BYTES + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'error';
        throw new SourceError(`the configuration file must be readable (${code})`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_CONFIG_BYTES) {
        throw new SourceError(
          `a configuration file of at most ${MAX_CONFIG_BYTES} bytes (1 MiB); this one has more`,
          `over ${MAX_CONFIG_BYTES} bytes`,
        );
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** A text encoding other than UTF-8, recognised from the first bytes (a byte-order mark, or YAML's NUL pattern). */
export interface ForeignEncoding {
  /** `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE`. */
  readonly encoding: string;
  /** True when the file starts with a byte-order mark. */
  readonly bom: boolean;
}

/**
 * The encoding of a file that is UTF-16 or UTF-32, from its first four bytes as YAML 1.2 detects it: a byte-order mark,
 * or the NUL bytes that an ASCII first character leaves in those encodings. Undefined for anything else.
 * @see https://yaml.org/spec/1.2.2/#52-character-encodings
 */
export function foreignEncoding(bytes: Uint8Array): ForeignEncoding | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return { encoding: 'UTF-32BE', bom: true };
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return { encoding: 'UTF-32LE', bom: true };
  if (a === 0xfe && b === 0xff) return { encoding: 'UTF-16BE', bom: true };
  if (a === 0xff && b === 0xfe) return { encoding: 'UTF-16LE', bom: true };
  if (bytes.length >= 4 && a === 0x00 && b === 0x00 && c === 0x00 && d !== 0x00)
    return { encoding: 'UTF-32BE', bom: false };
  if (bytes.length >= 4 && a !== 0x00 && b === 0x00 && c === 0x00 && d === 0x00)
    return { encoding: 'UTF-32LE', bom: false };
  if (bytes.length >= 2 && a === 0x00 && b !== 0x00) return { encoding: 'UTF-16BE', bom: false };
  if (bytes.length >= 2 && a !== 0x00 && b === 0x00) return { encoding: 'UTF-16LE', bom: false };
  return undefined;
}

/**
 * The offset of the first byte of `bytes` that does not begin or continue a well-formed UTF-8 sequence (overlong
 * forms, surrogates and code points above U+10FFFF are not well formed), or -1 when all of it is UTF-8.
 * @see https://www.unicode.org/versions/Unicode15.0.0/ch03.pdf (Table 3-7, well-formed UTF-8 byte sequences)
 */
export function firstNonUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}
