#!/usr/bin/env python3
"""Golden files for org.spinformer.core.io tests (numpy only). Run from this directory:
    python3 make_golden.py
Outputs (committed; CI has no python):
  f16_to_f32.bin     65536 little-endian uint32: float32 bits of np.float16 bit pattern i (numpy's conversion)
  f32_to_half.bin    records (uint32 float32 bits, uint16 np.float16 bits, uint16 bfloat16 bits), little-endian;
                     bfloat16 reference: nearest of the two neighbouring bfloat16 values computed in float64,
                     ties to even mantissa, NaN -> 0x7FC0 (PyTorch's rule)
  golden_<dtype>.npy np.save of small arrays (format 1.0); golden_v2.npy format 2.0
  bad_fortran.npy, bad_bigendian.npy, bad_f2.npy  files the reader must reject
  numpy_written.safetensors  a safetensors file written by this script's own spec-following writer
"""
import json
import math
import struct

import numpy as np

rng = np.random.default_rng(20241122)

# ---- float16 -> float32 for every bit pattern
h = np.arange(65536, dtype=np.uint32).astype(np.uint16)
np.asarray(h.view(np.float16).astype(np.float32).view(np.uint32), dtype='<u4').tofile('f16_to_f32.bin')

# ---- float32 -> float16 / bfloat16 on hard cases and random values
special = np.array([0.0, -0.0, 1.0, -1.0, 1 / 3, 65504.0, 65519.99, 65520.0, 65536.0, 1e10, -1e10,
                    np.inf, -np.inf, np.nan, 6.1035156e-05, 5.9604645e-08, 2.9802322e-08, 2.9802326e-08,
                    1e-8, 3.0e-8, 1.0009765625, 1.00048828125, 1.00146484375, 3.4028235e38,
                    1.1754944e-38, 1e-45, 1.00390625, 1.01171875, 1.0078125], dtype=np.float32)
bits_special = np.array([0x7F800001, 0xFF800001, 0x7FC00000, 0x7FA00000, 0x3F808000, 0x3F818000,
                         0x3F80C000, 0x3F807FFF, 0x3F7F8000, 0x00008000, 0x80018000], dtype=np.uint32)
exps = rng.uniform(-30, 20, size=20000)
rand = (rng.choice([-1.0, 1.0], size=20000) * 2.0 ** exps).astype(np.float32)
ties = (rng.integers(0, 1 << 23, size=2000, dtype=np.uint32) & ~np.uint32(0xFFFF)) | np.uint32(0x8000)
ties |= (rng.integers(60, 190, size=2000, dtype=np.uint32) << np.uint32(23))
x = np.concatenate([special, bits_special.view(np.float32), rand, ties.view(np.float32)])
u = x.view(np.uint32)
with np.errstate(over='ignore', invalid='ignore'):
    f16 = x.astype(np.float16).view(np.uint16)


def bf16_reference(u32):
    out = np.empty(u32.shape, dtype=np.uint16)
    for i, b in enumerate(u32.tolist()):
        f = struct.unpack('<f', struct.pack('<I', b))[0]
        if f != f:
            out[i] = 0x7FC0
            continue
        if f in (float('inf'), float('-inf')):
            out[i] = b >> 16
            continue
        lo = b >> 16
        hi = lo + 1
        flo = struct.unpack('<f', struct.pack('<I', lo << 16))[0]
        if (hi & 0x7F80) == 0x7F80 and (hi & 0x7F) == 0:
            fhi = float('inf') if not (hi & 0x8000) else float('-inf')
        else:
            fhi = struct.unpack('<f', struct.pack('<I', (hi & 0xFFFF) << 16))[0]
        # exact comparison in float64 (all values are representable)
        dlo = abs(float(f) - flo)
        if np.isinf(fhi):
            # halfway point to "next" value past max finite: 2^128 - 2^119 * ... compute as float64 step
            _, e = math.frexp(flo)
            step = 2.0 ** (e - 8)  # bfloat16 spacing at |flo| (8 significant bits)
            top = abs(flo) + step  # would-be next value if exponent range were unbounded
            dhi = abs(abs(float(f)) - top)
        else:
            dhi = abs(float(f) - fhi)
        if dlo < dhi or (dlo == dhi and (lo & 1) == 0):
            out[i] = lo
        else:
            out[i] = hi & 0xFFFF
    return out


bf = bf16_reference(u)
rec = np.zeros(len(x), dtype=[('f32', '<u4'), ('f16', '<u2'), ('bf16', '<u2')])
rec['f32'] = u
rec['f16'] = f16
rec['bf16'] = bf
rec.tofile('f32_to_half.bin')

# ---- npy golden files
np.save('golden_f4.npy', (np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7).astype(np.float32))
np.save('golden_f8.npy', np.arange(6, dtype=np.float64).reshape(3, 2) / 3)
np.save('golden_i4.npy', np.arange(-5, 5, dtype=np.int32))
np.save('golden_i8.npy', np.array([[-(2 ** 40), 7], [3, 2 ** 50]], dtype=np.int64))
with open('golden_v2.npy', 'wb') as fh:
    np.lib.format.write_array(fh, np.arange(12, dtype=np.float64).reshape(4, 3) * 0.5, version=(2, 0))
np.save('bad_fortran.npy', np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save('bad_bigendian.npy', np.arange(4, dtype='>f4'))
np.save('bad_f2.npy', np.arange(4, dtype=np.float16))

# ---- a safetensors file written by hand from the spec
tensors = [
    ('z.f64', 'F64', np.linspace(-1, 1, 6).reshape(2, 3).astype('<f8')),
    ('a.f32', 'F32', (np.arange(5, dtype=np.float32) / 3).astype('<f4')),
    ('m.f16', 'F16', np.array([1.5, -2.25, 65504, 6.1e-5, 0], dtype='<f2')),
    ('b.bf16', 'BF16', np.array([0x3F80, 0xC040, 0x3EAB, 0x7F80, 0x0001], dtype='<u2')),
    ('i64', 'I64', np.array([-(2 ** 62), 1, 2 ** 40], dtype='<i8')),
    ('i32', 'I32', np.array([[-7, 8], [9, -10]], dtype='<i4')),
    ('i8', 'I8', np.array([-128, 0, 127], dtype='i1')),
    ('u8', 'U8', np.array([0, 200, 255], dtype='u1')),
    ('bool', 'BOOL', np.array([True, False, True, True], dtype='?')),
]
header = {'__metadata__': {'format': 'pt', 'note': 'written by make_golden.py'}}
data = b''
for name, dt, arr in tensors:
    b = arr.tobytes()
    header[name] = {'dtype': dt, 'shape': list(arr.shape), 'data_offsets': [len(data), len(data) + len(b)]}
    data += b
hj = json.dumps(header).encode()
hj += b' ' * ((8 - len(hj) % 8) % 8)
with open('numpy_written.safetensors', 'wb') as fh:
    fh.write(struct.pack('<Q', len(hj)) + hj + data)
print('ok', len(x), 'half cases')
