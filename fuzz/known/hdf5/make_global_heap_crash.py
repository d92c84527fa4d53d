#!/usr/bin/python3
"""Writes vlen_global_heap_object_size_segv.h5: a file that crashes HDF5 1.10 (Debian 12's
libhdf5-103-1) with SIGSEGV in H5Dread of a variable-length column.

h5py writes a small sample (/ev/met, and /ev/jet_pt as a vlen float32 collection); then the
object sizes of the first objects of the global heap collection ("GCOL") that holds the vlen
data are set to 0x7fffffff. HDF5 1.10 trusts those sizes when it copies an element out of the
heap (H5HG_read), far past its buffer. Our reader checks what it can (declared sizes, object
headers, addresses past the end of the file) but cannot see into the heap; the window's
child-process probe (app/gui/file_probe.cpp) keeps such a crash out of the window.

    /usr/bin/python3 fuzz/known/hdf5/make_global_heap_crash.py fuzz/known/hdf5
"""
import struct
import sys

import h5py
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "."
base = f"{out}/vlen_global_heap_object_size_segv.h5"
with h5py.File(base, "w") as f:
    g = f.create_group("ev")
    g["met"] = np.arange(50, dtype="f4")
    jets = g.create_dataset("jet_pt", (50,), dtype=h5py.vlen_dtype(np.dtype("f4")))
    for i in range(50):
        jets[i] = np.arange(i % 4, dtype="f4") + 1

data = bytearray(open(base, "rb").read())
heap = data.find(b"GCOL")
assert heap > 0, "no global heap collection"
# Collection: "GCOL", version, 3 reserved, size (8); then objects: index (2), reference
# count (2), reserved (4), size (8), data padded to 8 bytes; index 0 is the free space.
at = heap + 16
for _ in range(10):
    index = struct.unpack_from("<H", data, at)[0]
    size = struct.unpack_from("<Q", data, at + 8)[0]
    if index == 0:
        break
    struct.pack_into("<Q", data, at + 8, 0x7FFFFFFF)
    at += 16 + (size + 7) // 8 * 8
open(base, "wb").write(data)
print(base)
