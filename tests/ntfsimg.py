"""Where an NTFS volume's MFT is, for tests that damage MFT records."""
import struct


def mft_geometry(f):
    """(byte offset of the MFT, MFT record size) from the boot sector of
    the open volume file f (its position is moved to 512)."""
    f.seek(0)
    bs = f.read(512)
    bps, spc = struct.unpack_from("<H", bs, 11)[0], bs[13]
    mft = struct.unpack_from("<Q", bs, 48)[0] * bps * spc
    rs = bs[64]
    rs = 2 ** (256 - rs) if rs > 127 else rs * bps * spc
    return mft, rs
