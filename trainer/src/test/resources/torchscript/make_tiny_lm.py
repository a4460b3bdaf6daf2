#!/usr/bin/env python3
"""Writes tiny-lm.pt: a TorchScript causal language model, without torch.

The build machine has no PyTorch, so this script writes the TorchScript archive format that
torch.jit.save produces (a zip of version, constants.pkl, data.pkl, code/ and data/), using only
the Python standard library. libtorch compiles code/__torch__.py when it loads the file, exactly
as it does for a file written by torch.jit.save. The weights come from a fixed LCG, so the test
can recompute the model's logits in plain Java and compare (a known answer).

Model (V tokens, D dims), tokens (B, T) int64 -> logits (B, T, V):
    x = emb[tokens]                      (B, T, D)
    h = x + tanh(cumsum(x, dim=1))       causal: position t reads tokens 0..t only
    logits = h @ out                     out is (D, V)

Run: python3 make_tiny_lm.py  (rewrites tiny-lm.pt next to this script).
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

V, D = 12, 6
ARCHIVE = "tiny_lm"


def lcg_weights(n, seed):
    """n floats in [-0.5, 0.5) from a 64-bit LCG (Knuth MMIX constants); reproducible in Java."""
    out, s = [], seed
    for _ in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out.append(((s >> 40) / float(1 << 24)) - 0.5)
    return out


# Fake modules so that pickle writes GLOBAL opcodes with torch's names.
def _module(name):
    m = types.ModuleType(name)
    sys.modules[name] = m
    return m


torch_mod = _module("torch")
utils_mod = _module("torch._utils")
script_mod = _module("__torch__")


def _rebuild_tensor_v2(*args):  # never called: only its name is pickled
    raise NotImplementedError


_rebuild_tensor_v2.__module__ = "torch._utils"
utils_mod._rebuild_tensor_v2 = _rebuild_tensor_v2
FloatStorage = type("FloatStorage", (), {"__module__": "torch"})
torch_mod.FloatStorage = FloatStorage


class Storage:
    def __init__(self, key, values):
        self.key, self.values = key, values


class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce__(self):
        stride, acc = [], 1
        for d in reversed(self.shape):
            stride.insert(0, acc)
            acc *= d
        return (_rebuild_tensor_v2,
                (self.storage, 0, tuple(self.shape), tuple(stride), False, collections.OrderedDict()))


class Model:
    pass


Model.__module__ = "__torch__"
Model.__qualname__ = "Model"
script_mod.Model = Model


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", len(obj.values))
        return None


def pickled(obj):
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


CODE = '''class Model(Module):
  __parameters__ = ["emb", "out", ]
  __buffers__ = []
  emb : Tensor
  out : Tensor
  training : bool
  def forward(self: __torch__.Model,
    tokens: Tensor) -> Tensor:
    x = torch.embedding(self.emb, tokens)
    h = torch.add(x, torch.tanh(torch.cumsum(x, 1)))
    return torch.matmul(h, self.out)
'''


def main():
    emb = Storage("0", lcg_weights(V * D, 17))
    out = Storage("1", lcg_weights(D * V, 29))
    model = Model()
    # attribute order = the class's attribute order in CODE
    model.__dict__.update({"emb": Tensor(emb, [V, D]), "out": Tensor(out, [D, V]), "training": False})
    records = [
        ("version", b"3\n"),
        ("constants.pkl", pickled(())),
        ("data.pkl", pickled(model)),
        ("code/__torch__.py", CODE.encode()),
        ("data/0", struct.pack("<%df" % len(emb.values), *emb.values)),
        ("data/1", struct.pack("<%df" % len(out.values), *out.values)),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-lm.pt")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in records:
            info = zipfile.ZipInfo(ARCHIVE + "/" + name, date_time=(1980, 1, 1, 0, 0, 0))
            # torch aligns every record's data to 64 bytes with an "FB" extra field of padding
            header_end = z.fp.tell() + 30 + len(info.filename)
            pad = (-(header_end + 4)) % 64
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            z.writestr(info, data)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
