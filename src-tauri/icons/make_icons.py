import struct, zlib, sys, math
def png(path, n):
    rows = []
    for y in range(n):
        row = bytearray([0])
        for x in range(n):
            # a dark-blue rounded square with a white mast (vertical bar) and sail (triangle)
            cx, cy = (x + 0.5) / n, (y + 0.5) / n
            r = 0.18
            dx = max(abs(cx - 0.5) - (0.5 - r), 0); dy = max(abs(cy - 0.5) - (0.5 - r), 0)
            inside = dx * dx + dy * dy <= r * r
            if not inside:
                row += bytes([0, 0, 0, 0]); continue
            mast = 0.47 <= cx <= 0.53 and 0.18 <= cy <= 0.82
            sail = 0.55 <= cx <= 0.78 and 0.22 <= cy <= 0.66 and (cx - 0.55) <= (0.66 - cy) * 0.55
            if mast or sail:
                row += bytes([255, 255, 255, 255])
            else:
                row += bytes([31, 58, 104, 255])
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 6, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(data)
for name, n in [("32x32.png", 32), ("128x128.png", 128), ("icon.png", 256)]:
    png(sys.argv[1] + "/" + name, n)
