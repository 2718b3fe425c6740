"""Convert Baidu LAC 2.1.2's bundled model into the files tdg ships (see docs/lac_model.md).

    pip download --no-deps --no-binary :all: LAC==2.1.2   # or fetch LAC-2.1.2.tar.gz by hand
    pip install onnx numpy
    python docs/convert_lac_model.py LAC-2.1.2.tar.gz transforms/pii/data/lac

Reads PaddlePaddle's parameter files with a small parser of their documented layout (no
PaddlePaddle needed), and writes:
- `bigru.onnx`: the two bidirectional GRU layers and the emission layer as standard ONNX ops
  (input `embedded` [batch, time, 128] float, `lengths` [batch] int32; output `emission`
  [batch, time, 49]). Paddle's GRU is rewritten in ONNX's form: its linear layer before each
  GRU becomes the GRU's input weights, and its update gate u becomes ONNX's z = 1 - u by
  negating that gate's weights and biases (ONNX keeps z * h, Paddle keeps u * candidate).
- `embedding.npz`: the 58,224 x 128 embeddings as int8 with one float32 scale per row (7 MB
  instead of 30 MB), and the CRF weights.
- LAC's dictionaries: `word.dic.gz`, `small_seg.dic.gz`, `q2b.dic`, `tag.dic`.
"""

from __future__ import annotations

import gzip
import shutil
import struct
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

HIDDEN = 128
PARAMETERS = [
    "crfw",
    *(f"fc_{i}.{k}_0" for i in range(5) for k in ("w", "b")),
    *(f"gru_{i}.{k}_0" for i in range(4) for k in ("w", "b")),
    "word_emb",
]


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _tensor_dims(desc: bytes) -> tuple[int, list[int]]:
    """(data_type, dims) of a serialized `VarType.TensorDesc` (field 1 varint, field 2 int64s,
    packed or not)."""
    pos, data_type, dims = 0, -1, []
    while pos < len(desc):
        key, pos = _varint(desc, pos)
        field, wire = key >> 3, key & 7
        if field == 1 and wire == 0:
            data_type, pos = _varint(desc, pos)
        elif field == 2 and wire == 0:
            value, pos = _varint(desc, pos)
            dims.append(value)
        elif field == 2 and wire == 2:
            size, pos = _varint(desc, pos)
            end = pos + size
            while pos < end:
                value, pos = _varint(desc, pos)
                dims.append(value)
        else:
            raise ValueError(f"unexpected field {field} (wire type {wire}) in a TensorDesc")
    return data_type, dims


def read_parameter(path: Path) -> np.ndarray:
    """One parameter file: uint32 version, uint64 LoD level and its levels, uint32 tensor
    version, int32 size of the TensorDesc, the TensorDesc, then the raw data."""
    data = path.read_bytes()
    pos = 4
    (lod_level,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    for _ in range(lod_level):
        (size,) = struct.unpack_from("<Q", data, pos)
        pos += 8 + size
    pos += 4
    (desc_size,) = struct.unpack_from("<i", data, pos)
    pos += 4
    data_type, dims = _tensor_dims(data[pos : pos + desc_size])
    if data_type != 5:  # FP32
        raise ValueError(f"{path}: data type {data_type}, expected FP32 (5)")
    return np.frombuffer(data[pos + desc_size :], dtype="<f4").reshape(dims).copy()


def _onnx_gru(fc_w: np.ndarray, fc_b: np.ndarray, gru_w: np.ndarray, gru_b: np.ndarray):
    """ONNX GRU W (3H x I), R (3H x H) and B (6H) for Paddle's fc + dynamic_gru."""
    h = HIDDEN
    flat = gru_w.reshape(-1)
    gates, candidate = flat[: 2 * h * h].reshape(h, 2 * h), flat[2 * h * h :].reshape(h, h)
    bias = gru_b.reshape(-1)
    w = np.concatenate([-fc_w[:, :h].T, fc_w[:, h : 2 * h].T, fc_w[:, 2 * h :].T])
    r = np.concatenate([-gates[:, :h].T, gates[:, h:].T, candidate.T])
    wb = np.concatenate(
        [-(fc_b[:h] + bias[:h]), fc_b[h : 2 * h] + bias[h : 2 * h], fc_b[2 * h :] + bias[2 * h :]]
    )
    return w, r, np.concatenate([wb, np.zeros(3 * h, np.float32)])


def build_onnx(params: dict[str, np.ndarray]):  # -> onnx.ModelProto
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, initializers = [], []

    def constant(name: str, array: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    nodes.append(helper.make_node("Transpose", ["embedded"], ["x0"], perm=[1, 0, 2]))
    layer_input = "x0"
    for layer, (forward, backward) in enumerate([(0, 1), (2, 3)]):
        parts = [
            _onnx_gru(
                params[f"fc_{i}.w_0"],
                params[f"fc_{i}.b_0"],
                params[f"gru_{i}.w_0"],
                params[f"gru_{i}.b_0"],
            )
            for i in (forward, backward)
        ]
        w, r, b = (np.stack([p[k] for p in parts]).astype(np.float32) for k in range(3))
        inputs = [layer_input, constant(f"W{layer}", w), constant(f"R{layer}", r)]
        inputs += [constant(f"B{layer}", b), "lengths"]
        nodes.append(
            helper.make_node(
                "GRU",
                inputs,
                [f"y{layer}"],
                direction="bidirectional",
                hidden_size=HIDDEN,
                linear_before_reset=0,
            )
        )
        nodes.append(helper.make_node("Transpose", [f"y{layer}"], [f"t{layer}"], perm=[0, 2, 1, 3]))
        shape = constant(f"shape{layer}", np.array([0, 0, 2 * HIDDEN], np.int64))
        nodes.append(helper.make_node("Reshape", [f"t{layer}", shape], [f"h{layer}"]))
        layer_input = f"h{layer}"
    emission_w = constant("fc4w", params["fc_4.w_0"])
    nodes.append(helper.make_node("MatMul", [layer_input, emission_w], ["e0"]))
    nodes.append(helper.make_node("Add", ["e0", constant("fc4b", params["fc_4.b_0"])], ["e1"]))
    nodes.append(helper.make_node("Transpose", ["e1"], ["emission"], perm=[1, 0, 2]))
    labels = params["fc_4.w_0"].shape[1]
    graph = helper.make_graph(
        nodes,
        "lac_bigru",
        [
            helper.make_tensor_value_info("embedded", TensorProto.FLOAT, ["B", "T", HIDDEN]),
            helper.make_tensor_value_info("lengths", TensorProto.INT32, ["B"]),
        ],
        [helper.make_tensor_value_info("emission", TensorProto.FLOAT, ["B", "T", labels])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def convert(package: Path, out: Path) -> None:
    import onnx

    model_dir = package / "LAC" / "lac_model"
    params = {name: read_parameter(model_dir / "model" / name) for name in PARAMETERS}
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(build_onnx(params), out / "bigru.onnx")
    embedding = params["word_emb"]
    # an all-zero row keeps scale 1 (its int8 values are 0 whatever the scale)
    peak = np.abs(embedding).max(axis=1, keepdims=True)
    scale = (np.where(peak > 0, peak, 127) / 127).astype(np.float32)
    quantized = np.round(embedding / scale).astype(np.int8)
    np.savez_compressed(
        out / "embedding.npz", word_emb_q=quantized, word_emb_scale=scale, crfw=params["crfw"]
    )
    conf = model_dir / "conf"
    for name in ("word.dic", "small_seg.dic"):
        with gzip.GzipFile(out / f"{name}.gz", "wb", mtime=0) as target:
            target.write((conf / name).read_bytes())
    for name in ("q2b.dic", "tag.dic"):
        shutil.copyfile(conf / name, out / name)


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    if source.is_dir():
        convert(source, out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(source) as archive:
            archive.extractall(tmp, filter="data")
        convert(Path(tmp) / "LAC-2.1.2", out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
