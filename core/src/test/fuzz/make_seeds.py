#!/usr/bin/env python3
"""Writes the seed corpus of the Jazzer fuzz tests: for every reader of outside bytes, a few valid files and the
malformed ones a hostile or broken download gives (truncated, huge header length, header not JSON, overlapping or
out-of-range offsets, wrong dtype sizes, negative or overflowing shapes, duplicate names, claimed > 2 GB, object
dtype, Fortran order, path traversal, invalid UTF-8). Run from the repository root:

    python3 core/src/test/fuzz/make_seeds.py

The default build replays every file (regression mode). Files the fuzzer finds later are added next to these by
hand, named finding-*, after their fix.
"""
import json
import os
import struct

import numpy as np

CORE = "core/src/test/resources/org/spinformer/core/fuzz/ReaderFuzzTestInputs"
REPR = "representations/src/test/resources/org/spinformer/representations/models/ModelFuzzTestInputs"
LANG = "language/src/test/resources/org/spinformer/language/corpus/CorpusFuzzTestInputs"


def put(root, target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ----------------------------------------------------------------------------------------------- safetensors
def st(header, body=b"", raw_len=None):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    n = len(h) if raw_len is None else raw_len
    return struct.pack("<Q", n) + h + body


f32 = np.arange(6, dtype="<f4").tobytes()
ok = {"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
safetensors = {
    "valid-f32": st(ok, f32),
    "valid-meta-bf16-f16-i64": st({"__metadata__": {"format": "pt"},
                                   "h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
                                   "b": {"dtype": "BF16", "shape": [2], "data_offsets": [4, 8]},
                                   "i": {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]}}, bytes(16)),
    "valid-scalar-and-empty": st({"s": {"dtype": "F64", "shape": [], "data_offsets": [0, 8]},
                                  "e": {"dtype": "F32", "shape": [0, 4], "data_offsets": [8, 8]}}, bytes(8)),
    "empty-file": b"",
    "seven-bytes": b"\x10\x00\x00\x00\x00\x00\x00",
    "truncated-body": st(ok, f32[:10]),
    "truncated-header": st(ok, f32)[:20],
    "header-length-huge": st(ok, f32, raw_len=2**63 - 1),
    "header-length-past-end": st(ok, f32, raw_len=10_000),
    "header-length-2gb": st(ok, f32, raw_len=2**31 + 5),
    "header-not-json": st(b"{not json at all", f32),
    "header-json-array": st(b"[1, 2, 3]", f32),
    "header-invalid-utf8": st(b'{"\xff\xfe": 1}', f32),
    "entry-not-object": st({"a": 5}, f32),
    "offsets-overlap": st({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
                           "b": {"dtype": "F32", "shape": [3], "data_offsets": [8, 20]}}, f32),
    "offsets-out-of-range": st({"a": {"dtype": "F32", "shape": [6], "data_offsets": [0, 2400]}}, f32),
    "offsets-reversed": st({"a": {"dtype": "F32", "shape": [0], "data_offsets": [24, 0]}}, f32),
    "offsets-negative": st({"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}, f32),
    "offsets-not-numbers": st({"a": {"dtype": "F32", "shape": [6], "data_offsets": ["0", "24"]}}, f32),
    "offsets-fractional": st({"a": {"dtype": "F32", "shape": [6], "data_offsets": [0.5, 24]}}, f32),
    "wrong-dtype-size": st({"a": {"dtype": "F64", "shape": [2, 3], "data_offsets": [0, 24]}}, f32),
    "unknown-dtype": st({"a": {"dtype": "Q7", "shape": [6], "data_offsets": [0, 24]}}, f32),
    "dtype-not-string": st({"a": {"dtype": 4, "shape": [6], "data_offsets": [0, 24]}}, f32),
    "shape-negative": st({"a": {"dtype": "F32", "shape": [-2, -3], "data_offsets": [0, 24]}}, f32),
    "shape-overflow": st({"a": {"dtype": "F32", "shape": [2**40, 2**40, 2**40], "data_offsets": [0, 24]}}, f32),
    "shape-not-list": st({"a": {"dtype": "F32", "shape": "2x3", "data_offsets": [0, 24]}}, f32),
    "claimed-over-2gb": st({"a": {"dtype": "F32", "shape": [2**31], "data_offsets": [0, 2**33]}}, f32),
    "duplicate-names": st(b'{"a": {"dtype": "F32", "shape": [6], "data_offsets": [0, 24]}, '
                          b'"a": {"dtype": "F32", "shape": [6], "data_offsets": [0, 24]}}', f32),
    "metadata-not-strings": st({"__metadata__": {"format": 3, "x": [1]}, **ok}, f32),
    "missing-fields": st({"a": {"dtype": "F32"}}, f32),
    "deep-nesting": st(b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", f32),
}
for k, v in safetensors.items():
    put(CORE, "safetensors", k, v)

# ----------------------------------------------------------------------------------------------- sharded index
shard1, shard2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"
index = {
    "valid": {"metadata": {"total_size": 36}, "weight_map": {"a.weight": shard1, "b.bias": shard2}},
    "weight-map-missing": {"metadata": {}},
    "weight-map-not-object": {"weight_map": [shard1]},
    "value-not-string": {"weight_map": {"a.weight": 1}},
    "missing-shard": {"weight_map": {"a.weight": "model-00009-of-00009.safetensors"}},
    "path-traversal": {"weight_map": {"a.weight": "../../../../etc/passwd"}},
    "absolute-path": {"weight_map": {"a.weight": "/etc/hostname"}},
    "tensor-in-wrong-shard": {"weight_map": {"a.weight": shard2, "b.bias": shard1}},
    "tensor-not-in-any-shard": {"weight_map": {"a.weight": shard1, "c": shard1}},
    "empty-map": {"weight_map": {}},
}
for k, v in index.items():
    put(CORE, "shardedIndex", k, json.dumps(v))
put(CORE, "shardedIndex", "not-json", "{weight_map: ")
put(CORE, "shardedIndex", "array", "[]")
put(CORE, "shardedIndex", "invalid-utf8", b'{"weight_map": {"\xc3\x28": "x"}}')


# ----------------------------------------------------------------------------------------------- npy
def npy(header, body=b"", version=(1, 0), magic=b"\x93NUMPY", raw_len=None):
    h = header.encode("latin1") if isinstance(header, str) else header
    pad = (64 - (len(magic) + 2 + (2 if version[0] == 1 else 4) + len(h) + 1) % 64) % 64
    h = h + b" " * pad + b"\n"
    n = len(h) if raw_len is None else raw_len
    ln = struct.pack("<H", n) if version[0] == 1 else struct.pack("<I", n)
    return magic + bytes(version) + ln + h + body


def hdr(descr="<f4", fortran=False, shape="(2, 3)"):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


npys = {
    "valid-f4": npy(hdr(), f32),
    "valid-f8-v2": npy(hdr("<f8", shape="(3,)"), bytes(24), version=(2, 0)),
    "valid-i8-scalar": npy(hdr("<i8", shape="()"), bytes(8)),
    "valid-empty": npy(hdr(shape="(0, 5)")),
    "empty-file": b"",
    "bad-magic": npy(hdr(), f32, magic=b"\x93NUMPZ"),
    "version-9": npy(hdr(), f32, version=(9, 0)),
    "truncated-header": npy(hdr(), f32)[:30],
    "truncated-body": npy(hdr(), f32[:7]),
    "header-length-huge-v2": npy(hdr(), f32, version=(2, 0), raw_len=0xFFFFFFFF),
    "header-length-past-end": npy(hdr(), f32, raw_len=60000),
    "header-not-dict": npy("[1, 2, 3]", f32),
    "header-garbage": npy("{'descr': '<f4', 'shape': (2, 3", f32),
    "fortran-order": npy(hdr(fortran=True), f32),
    "object-dtype": npy(hdr("|O"), f32),
    "structured-dtype": npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", f32),
    "big-endian": npy(hdr(">f4"), f32),
    "unknown-dtype": npy(hdr("<q9"), f32),
    "shape-negative": npy(hdr(shape="(-2, -3)"), f32),
    "shape-overflow": npy(hdr(shape="(1099511627776, 1099511627776, 1099511627776)"), f32),
    "shape-not-ints": npy(hdr(shape="(2.5, 'a')"), f32),
    "claimed-over-2gb": npy(hdr(shape="(2147483648,)"), f32),
    "missing-keys": npy("{'descr': '<f4', }", f32),
    "duplicate-keys": npy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", f32),
    "header-non-latin": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': '\u00ff'}".encode("utf-8"), f32),
}
for k, v in npys.items():
    put(CORE, "npy", k, v)


# ----------------------------------------------------------------------------------------------- ONNX (protobuf)
def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    if wire == 2:
        return key + varint(len(payload)) + payload
    raise ValueError(wire)


def s(num, text):
    return field(num, 2, text.encode() if isinstance(text, str) else text)


def tensor(name, dims, dtype=1, raw=None, floats=None):
    t = b"".join(field(1, 0, d) for d in dims) + field(2, 0, dtype) + s(8, name)
    if raw is not None:
        t += s(9, raw)
    if floats is not None:
        t += s(4, struct.pack("<%df" % len(floats), *floats))
    return t


def node(name, op, ins, outs):
    return b"".join(s(1, i) for i in ins) + b"".join(s(2, o) for o in outs) + s(3, name) + s(4, op)


def model(*graph_fields):
    return field(1, 0, 8) + s(7, b"".join(graph_fields))


w = tensor("onnx::MatMul_1", [2, 3], raw=f32)
mm = node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", ["x", "onnx::MatMul_1"], ["y"])
onnx = {
    "valid": model(s(1, mm), s(5, w), s(5, tensor("embeddings.word_embeddings.weight", [3], floats=[1, 2, 3]))),
    "valid-f16-i64": model(s(5, tensor("h", [2], dtype=10, raw=bytes(4))),
                           s(5, tensor("i", [2], dtype=7, raw=bytes(16)))),
    "empty": b"",
    "no-graph": field(1, 0, 8),
    "truncated": model(s(1, mm), s(5, w))[:-7],
    "length-huge": field(1, 0, 8) + varint((7 << 3) | 2) + varint(2**62) + b"\x00" * 8,
    "length-negative": field(1, 0, 8) + varint((7 << 3) | 2) + varint(-1) + b"\x00" * 8,
    "varint-too-long": b"\x08" + b"\xff" * 12,
    "wire-type-6": bytes([(7 << 3) | 6]) + b"\x00" * 4,
    "raw-size-mismatch": model(s(5, tensor("t", [2, 3], raw=f32[:8]))),
    "dims-negative": model(s(5, tensor("t", [-2, 3], raw=f32))),
    "dims-overflow": model(s(5, tensor("t", [2**40, 2**40, 2**40], raw=f32))),
    "claimed-over-2gb": model(s(5, tensor("t", [2**31], floats=[1.0]))),
    "unknown-dtype": model(s(5, tensor("t", [6], dtype=99, raw=f32))),
    "string-dtype": model(s(5, tensor("t", [1], dtype=8, raw=b"abcd"))),
    "duplicate-initializer": model(s(5, w), s(5, w)),
    "external-data": model(s(5, tensor("t", [6], raw=None) + field(14, 0, 1))),
    "name-invalid-utf8": model(s(5, tensor(b"\xff\xfe".decode("latin1"), [1], floats=[1.0]))),
    "graph-is-varint": field(7, 0, 5),
}
for k, v in onnx.items():
    put(CORE, "onnx", k, v)

# ----------------------------------------------------------------------------------------------- tokenizer.json
vocab = {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "the": 3, "quick": 4, "brown": 5, "fox": 6, ",": 7, "##s": 8}
wordpiece = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [
    {"id": 0, "content": "[UNK]", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
     "special": True}],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {"type": "TemplateProcessing",
                       "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                  {"Sequence": {"id": "A", "type_id": 0}},
                                  {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                       "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                       "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]},
                                          "[SEP]": {"id": "[SEP]", "ids": [2], "tokens": ["[SEP]"]}}},
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": vocab}}
wordlevel = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
             "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None,
             "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "the": 1, "fox": 2}, "unk_token": "<unk>"}}
bpe = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
       "post_processor": None, "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                                           "use_regex": True},
       "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                 "vocab": {"T": 0, "h": 1, "e": 2, "Th": 3, "The": 4}, "merges": ["T h", "Th e"]}}


def variant(base, **changes):
    d = json.loads(json.dumps(base))
    for k, v in changes.items():
        d[k] = v
    return json.dumps(d)


toks = {
    "valid-wordpiece": json.dumps(wordpiece),
    "valid-wordlevel": json.dumps(wordlevel),
    "valid-bpe": json.dumps(bpe),
    "empty": "",
    "not-json": "{\"model\": {",
    "array": "[]",
    "no-model": variant(wordlevel, model=None),
    "model-unknown-type": variant(wordlevel, model={"type": "Quantum", "vocab": {}}),
    "vocab-negative-id": variant(wordlevel, model={"type": "WordLevel", "vocab": {"<unk>": -1, "a": 2**40},
                                                   "unk_token": "<unk>"}),
    "vocab-duplicate-ids": variant(wordlevel, model={"type": "WordLevel", "vocab": {"<unk>": 0, "a": 0, "b": 0},
                                                     "unk_token": "<unk>"}),
    "vocab-not-object": variant(wordlevel, model={"type": "WordLevel", "vocab": [1, 2], "unk_token": "<unk>"}),
    "unk-not-in-vocab": variant(wordlevel, model={"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "<zz>"}),
    "merges-unknown-token": variant(bpe, model={**bpe["model"], "merges": ["x y", "y"]}),
    "special-id-out-of-range": variant(wordpiece, post_processor={**wordpiece["post_processor"],
                                                                  "special_tokens": {"[CLS]": {"id": "[CLS]",
                                                                                               "ids": [10**12],
                                                                                               "tokens": ["[CLS]"]}}}),
    "added-token-huge-id": variant(wordlevel, added_tokens=[{"id": 2**62, "content": "x", "special": True}]),
    "invalid-utf8": b'{"model": {"type": "WordLevel", "vocab": {"\xff": 0}, "unk_token": "\xff"}}',
    "truncation-nonsense": variant(wordlevel, truncation={"max_length": -5, "strategy": "Sideways", "stride": 9}),
}
for k, v in toks.items():
    put(CORE, "tokenizer", k, v)

# ----------------------------------------------------------------------------------------------- text lines
lines = {
    "valid": "one line\nsecond line\r\nthird\rlast",
    "empty": "",
    "invalid-utf8": b"fine\n\xc3\x28 bad\n",
    "overlong-encoding": b"\xc0\xaf\n",
    "surrogate": b"\xed\xa0\x80\n",
    "truncated-multibyte": b"abc\xe6\x9d",
    "nul-bytes": b"a\x00b\n\x00",
    "bom": b"\xef\xbb\xbfhello\n",
}
for k, v in lines.items():
    put(CORE, "utf8Lines", k, v)

# ----------------------------------------------------------------------------------------------- metrics log
logs = {
    "valid": '{"step": 1, "energy": -0.5}\n{"step": 2, "energy": -0.6}\n{"step": 3, "energy": null}\n'
             '{"step": 4, "energy": -0.7}\n',
    "cut-short": '{"step": 1, "energy": -0.5}\n{"step": 2, "ene',
    "not-objects": '[1, 2]\n"text"\n42\n{"step": 3}\n',
    "step-not-number": '{"step": "three"}\n{"step": {"a": 1}}\n{"step": [3]}\n',
    "step-huge": '{"step": 1e300}\n{"step": -1e300}\n{"step": 9007199254740993}\n',
    "invalid-utf8": b'{"step": 1, "note": "\xff"}\n',
    "deep-nesting": '{"step": 1, "x": ' + "[" * 3000 + "]" * 3000 + "}\n",
    "no-step": '{"energy": 1}\n',
}
for k, v in logs.items():
    put(CORE, "metricsLog", k, v)

# ----------------------------------------------------------------------------------------------- checkpoint
h = "0" * 64
manifests = {
    "format-wrong": {"format": "other", "files": {}},
    "format-object": {"format": {"a": 1}, "files": {}},
    "format-array": {"format": [1], "files": {}},
    "files-not-object": {"format": "spinformer-checkpoint", "version": 1, "files": [1]},
    "files-missing-required": {"format": "spinformer-checkpoint", "version": 1, "files": {}},
    "path-traversal": {"format": "spinformer-checkpoint", "version": 1,
                       "files": {n: {"bytes": 1, "sha256": h} for n in
                                 ["weights.safetensors", "optimizer.safetensors", "state.json", "config.json",
                                  "../../../../etc/passwd"]}},
    "bytes-not-number": {"format": "spinformer-checkpoint", "version": 1,
                         "files": {n: {"bytes": "many", "sha256": h} for n in
                                   ["weights.safetensors", "optimizer.safetensors", "state.json", "config.json"]}},
    "bytes-object": {"format": "spinformer-checkpoint", "version": 1,
                     "files": {n: {"bytes": {"x": 1}, "sha256": [h]} for n in
                               ["weights.safetensors", "optimizer.safetensors", "state.json", "config.json"]}},
    "sha-not-string": {"format": "spinformer-checkpoint", "version": 1,
                       "files": {n: {"bytes": 0, "sha256": 12} for n in
                                 ["weights.safetensors", "optimizer.safetensors", "state.json", "config.json"]}},
    "version-future": {"format": "spinformer-checkpoint", "version": 99, "files": {}},
}
for k, v in manifests.items():
    put(CORE, "checkpointManifest", k, json.dumps(v))
put(CORE, "checkpointManifest", "not-json", "{\"format\": ")
put(CORE, "checkpointManifest", "empty", "")
put(CORE, "checkpointManifest", "array", "[]")
states = {
    "valid": {"step": 7, "rng": {}},
    "step-missing": {"rng": {}},
    "step-string": {"step": "7"},
    "step-huge": {"step": 1e30},
    "step-negative": {"step": -5},
    "step-fraction": {"step": 2.5},
    "step-object": {"step": {"n": 7}},
    "rng-array": {"step": 7, "rng": [1, 2]},
    "rng-weird": {"step": 7, "rng": {"seed": "abc", "state": [[]]}},
}
for k, v in states.items():
    put(CORE, "checkpointState", k, json.dumps(v))
put(CORE, "checkpointState", "not-json", "{step")
put(CORE, "checkpointState", "array", "[7]")
put(CORE, "checkpointState", "null", "null")

# ----------------------------------------------------------------------------------------------- config.json
gpt2 = {"model_type": "gpt2", "vocab_size": 16, "n_embd": 8, "n_head": 2, "n_layer": 2, "n_inner": 12,
        "n_positions": 16, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}
configs = {
    "valid-gpt2": gpt2,
    "type-unknown": {**gpt2, "model_type": "transformer-xl"},
    "type-number": {**gpt2, "model_type": 7},
    "sizes-negative": {**gpt2, "n_embd": -8, "n_layer": -1},
    "sizes-zero": {**gpt2, "n_head": 0},
    "sizes-fraction": {**gpt2, "n_embd": 8.5},
    "sizes-huge": {**gpt2, "n_embd": 2**40, "n_inner": 1e300},
    "sizes-strings": {**gpt2, "n_embd": "eight"},
    "heads-not-dividing": {**gpt2, "n_head": 3},
    "eps-nan-string": {**gpt2, "layer_norm_epsilon": "NaN"},
    "activation-unknown": {**gpt2, "activation_function": "swish-9"},
    "positions-too-many": {**gpt2, "n_positions": 1 << 20},
    "layers-more-than-weights": {**gpt2, "n_layer": 5},
    "vocab-smaller-than-tokenizer": {**gpt2, "vocab_size": 3},
    "nested-nonsense": {**gpt2, "rope_scaling": [1, 2], "n_embd": {"x": 1}},
    "llama-bad-rope": {"model_type": "llama", "vocab_size": 16, "hidden_size": 8, "num_attention_heads": 2,
                       "num_key_value_heads": 3, "num_hidden_layers": 2, "intermediate_size": 12,
                       "rms_norm_eps": 1e-6, "hidden_act": "silu", "max_position_embeddings": 64,
                       "rope_theta": -1.0, "rope_scaling": {"rope_type": "llama3", "factor": 0}},
}
for k, v in configs.items():
    put(REPR, "configJson", k, json.dumps(v))
put(REPR, "configJson", "not-json", "{\"model_type\": ")
put(REPR, "configJson", "array", "[]")
put(REPR, "configJson", "empty", "")
put(REPR, "configJson", "invalid-utf8", b'{"model_type": "gpt2\xff"}')

pairs = {
    "valid": "In the beginning\tAl principio\nAnd the earth\tY la tierra\n",
    "one-column": "only one column\n",
    "three-columns": "a\tb\tc\n",
    "empty-fields": "\t\n\tx\n",
    "invalid-utf8": b"a\t\xff\n",
    "crlf-and-blank": "a\tb\r\n\r\n\r\nc\td\r\n",
    "empty": "",
}
for k, v in pairs.items():
    put(REPR, "pairsTsv", k, v)

# ----------------------------------------------------------------------------------------------- corpus
corpus = {
    "valid-text": "The quick brown fox jumps over the lazy dog.\nSecond line.\n",
    "valid-jsonl": '{"text": "one"}\n{"text": "two"}\n',
    "jsonl-bad-lines": '{"text": "one"}\n{"text": 5}\n[1]\n{"text": null}\n{"tex',
    "invalid-utf8": b"caf\xe9\n",
    "empty": "",
    "nul-bytes": b"\x00\x00\x00",
}
for k, v in corpus.items():
    put(LANG, "corpus", k, v)
print("seed corpus written")
