"""Tiny, valid media for the demo courses and the tests, made without ffmpeg: an MP4 (H.264 Baseline, every frame an
IDR picture of I_PCM macroblocks, i.e. raw samples that any decoder reads) and a one-page PDF."""
import struct

WIDTH, HEIGHT, FPS = 64, 48, 2


class _Bits:
    def __init__(self):
        self.bits: list[int] = []

    def u(self, n: int, value: int):
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def ue(self, value: int):
        code = value + 1
        self.u(code.bit_length() * 2 - 1, code)

    def se(self, value: int):
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self):
        while len(self.bits) % 8:
            self.bits.append(0)

    def trailing(self):
        self.bits.append(1)
        self.align_zero()

    def raw(self, data: bytes):
        assert len(self.bits) % 8 == 0
        for byte in data:
            self.u(8, byte)

    def bytes(self) -> bytes:
        return bytes(int(''.join(map(str, self.bits[i:i + 8])), 2) for i in range(0, len(self.bits), 8))


def _nal(header: int, rbsp: bytes) -> bytes:
    out, zeros = bytearray([header]), 0
    for byte in rbsp:  # emulation prevention
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _sps() -> bytes:
    b = _Bits()
    b.u(8, 66), b.u(8, 0xC0), b.u(8, 30)         # Baseline, constraint_set0/1, level 3.0
    b.ue(0), b.ue(0), b.ue(2), b.ue(1), b.u(1, 0)  # sps id, log2_max_frame_num-4, poc type 2, 1 ref, no gaps
    b.ue(WIDTH // 16 - 1), b.ue(HEIGHT // 16 - 1)
    b.u(1, 1), b.u(1, 1), b.u(1, 0), b.u(1, 0)     # frame_mbs_only, direct_8x8, no cropping, no VUI
    b.trailing()
    return _nal(0x67, b.bytes())


def _pps() -> bytes:
    b = _Bits()
    b.ue(0), b.ue(0), b.u(1, 0), b.u(1, 0), b.ue(0), b.ue(0), b.ue(0), b.u(1, 0), b.u(2, 0)
    b.se(0), b.se(0), b.se(0), b.u(1, 0), b.u(1, 0), b.u(1, 0)
    b.trailing()
    return _nal(0x68, b.bytes())


def _frame(index: int) -> bytes:
    b = _Bits()
    b.ue(0), b.ue(7), b.ue(0), b.u(4, 0), b.ue(index % 2)  # first mb, I slice, pps 0, frame_num 0, idr_pic_id
    b.u(1, 0), b.u(1, 0), b.se(0)                          # dec_ref_pic_marking, slice_qp_delta
    bar = index % (WIDTH // 16)
    for mb in range((WIDTH // 16) * (HEIGHT // 16)):
        b.ue(25)  # I_PCM
        b.align_zero()
        lit = mb % (WIDTH // 16) == bar
        b.raw(bytes([200 if lit else 60 + 10 * (index % 8)]) * 256)  # luma
        b.raw(bytes([90 if lit else 128]) * 64 + bytes([200 if lit else 128]) * 64)  # Cb, Cr
    b.trailing()
    return _nal(0x65, b.bytes())


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b''.join(parts)
    return struct.pack('>I', 8 + len(body)) + kind + body


def _full(kind: bytes, version_flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack('>I', version_flags), *parts)


_MATRIX = struct.pack('>9I', 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mp4(seconds: int) -> bytes:
    """An MP4 video of *seconds* seconds (a bright bar moving over a grey picture)."""
    samples = [struct.pack('>I', len(nal)) + nal for nal in (_frame(i) for i in range(seconds * FPS))]
    sps, pps = _sps(), _pps()
    ms = seconds * 1000
    avcc = _box(b'avcC', bytes([1, 66, 0xC0, 30, 0xFF, 0xE1]), struct.pack('>H', len(sps)), sps,
                bytes([1]), struct.pack('>H', len(pps)), pps)
    avc1 = _box(b'avc1', bytes(6), struct.pack('>H', 1), bytes(16), struct.pack('>HH', WIDTH, HEIGHT),
                struct.pack('>II', 0x480000, 0x480000), bytes(4), struct.pack('>H', 1), bytes(32),
                struct.pack('>Hh', 0x18, -1), avcc)

    def moov(offset: int) -> bytes:
        stbl = _box(b'stbl', _full(b'stsd', 0, struct.pack('>I', 1), avc1),
                    _full(b'stts', 0, struct.pack('>III', 1, len(samples), 1000 // FPS)),
                    _full(b'stsc', 0, struct.pack('>IIII', 1, 1, len(samples), 1)),
                    _full(b'stsz', 0, struct.pack('>II', 0, len(samples)),
                          b''.join(struct.pack('>I', len(s)) for s in samples)),
                    _full(b'stco', 0, struct.pack('>II', 1, offset)))
        minf = _box(b'minf', _full(b'vmhd', 1, bytes(8)),
                    _box(b'dinf', _full(b'dref', 0, struct.pack('>I', 1), _full(b'url ', 1))), stbl)
        mdia = _box(b'mdia', _full(b'mdhd', 0, struct.pack('>IIIIHH', 0, 0, 1000, ms, 0x55C4, 0)),
                    _full(b'hdlr', 0, bytes(4), b'vide', bytes(12), b'VideoHandler\0'), minf)
        tkhd = _full(b'tkhd', 3, struct.pack('>IIIII', 0, 0, 1, 0, ms), bytes(8), struct.pack('>hhhH', 0, 0, 0, 0),
                     _MATRIX, struct.pack('>II', WIDTH << 16, HEIGHT << 16))
        mvhd = _full(b'mvhd', 0, struct.pack('>IIIIIH', 0, 0, 1000, ms, 0x10000, 0x100), bytes(10), _MATRIX,
                     bytes(24), struct.pack('>I', 2))
        return _box(b'moov', mvhd, _box(b'trak', tkhd, mdia))

    ftyp = _box(b'ftyp', b'isom', struct.pack('>I', 512), b'isomiso2avc1mp41')
    offset = len(ftyp) + len(moov(0)) + 8
    return ftyp + moov(offset) + _box(b'mdat', *samples)


def pdf(text: str = 'CreditFlow') -> bytes:
    """A one-page PDF saying *text* (ASCII)."""
    stream = f'BT /F1 24 Tf 72 720 Td ({text}) Tj ET'.encode()
    objects = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
               b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R '
               b'/Resources << /Font << /F1 5 0 R >> >> >>',
               b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'\nendstream',
               b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
    out, offsets = bytearray(b'%PDF-1.4\n'), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % number + body + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    out += b''.join(b'%010d 00000 n \n' % o for o in offsets)
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, xref)
    return bytes(out)
