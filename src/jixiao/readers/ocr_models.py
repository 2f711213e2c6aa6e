"""RapidOCR's ONNX models with their elementwise affine steps folded away.

The PP-OCRv4 detector and recogniser shipped in the ``rapidocr-onnxruntime``
wheel were exported from PaddlePaddle without re-parameterisation: every
convolution is followed by a ``Mul``/``Add`` by constants (a learnable scale
and shift, or a ``BatchNormalization``), every hard-swish is spelled out as
four elementwise operators (``Add 3``, ``Clip 0..6``, ``Mul``, ``Div 6``) and
followed by another scale and shift.  On one core those elementwise passes
over the feature maps cost about as much as the small convolutions between
them.  ONNX Runtime's own optimiser fuses few of them, so they are rewritten
here, in memory (the wheel's files are only read):

* a ``BatchNormalization``, or a ``Mul``/``Add``/``Sub``/``Div`` by a scalar or
  per-channel constant, that follows a ``Conv`` (or ``ConvTranspose``) is
  folded into its weights and bias;
* a scale and shift in front of a ``Conv`` is folded into its weights; the
  shift goes into the bias when the convolution pads nothing, otherwise it
  stays as one ``Add`` (zero padding is applied after the shift);
* the hard-swish becomes ``x · HardSigmoid(x)``.

``sessions`` checks each folded model against the original on a fixed input
and falls back to the original (with a warning) when the outputs differ by
more than ``TOLERANCE``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Largest absolute difference accepted between the folded and the original
# model's outputs (probabilities / sigmoid maps in [0, 1]).
TOLERANCE = 1e-3


def model_dir() -> Path:
    """The folder of RapidOCR's bundled ONNX models."""
    import rapidocr_onnxruntime  # type: ignore[import-untyped, unused-ignore]

    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"


# ---------------------------------------------------------------------------
# Folding.


class _Graph:
    """The nodes of a graph with its constants as numpy arrays."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper  # type: ignore[import-untyped, unused-ignore]

        self.model = model
        graph = model.graph
        self.consts: dict[str, Any] = {
            init.name: numpy_helper.to_array(init) for init in graph.initializer
        }
        self.nodes: list[Any] = []
        for node in graph.node:
            if (
                node.op_type == "Constant"
                and len(node.attribute) == 1
                and node.attribute[0].name == "value"
            ):
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            else:
                self.nodes.append(node)
        self.outputs = {o.name for o in graph.output}
        self._fresh = 0

    def consumers(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for node in self.nodes:
            for name in node.input:
                out.setdefault(name, []).append(node)
        return out

    def only_consumer(self, consumers: dict[str, list[Any]], name: str) -> Any:
        """The single node reading ``name`` (None if several, none, or a graph output)."""
        users = consumers.get(name, [])
        if len(users) != 1 or name in self.outputs:
            return None
        return users[0]

    def const_operand(self, node: Any) -> tuple[str, Any] | None:
        """(the other input, the constant) of a binary node with one constant input."""
        if len(node.input) != 2:
            return None
        a, b = node.input
        if b in self.consts and a not in self.consts:
            return a, self.consts[b]
        if a in self.consts and b not in self.consts and node.op_type in ("Add", "Mul"):
            return b, self.consts[a]
        return None

    def new_const(self, base: str, value: Any) -> str:
        self._fresh += 1
        name = f"{base}__folded{self._fresh}"
        self.consts[name] = value
        return name

    def finish(self) -> Any:
        """The model with the rewritten nodes and its constants as initializers."""
        import onnx
        from onnx import numpy_helper

        used = {name for node in self.nodes for name in node.input}
        graph = self.model.graph
        inputs = {i.name for i in graph.input}
        del graph.node[:]
        graph.node.extend(self.nodes)
        del graph.initializer[:]
        graph.initializer.extend(
            numpy_helper.from_array(value, name)
            for name, value in self.consts.items()
            if name in used and name not in inputs
        )
        del graph.value_info[:]
        onnx.checker.check_model(self.model)
        return self.model


def _per_channel(value: Any, channels: int) -> Any:
    """A constant broadcast over NCHW as one float32 value per channel (or None)."""
    import numpy as np

    if value.dtype != np.float32 or value.ndim > 4:
        return None
    if value.size == 1:
        return np.full(channels, value.reshape(()), dtype=np.float32)
    shape = value.shape
    if len(shape) >= 3 and shape[-3] == channels and value.size == channels:
        return value.reshape(channels).astype(np.float32)
    return None


def _conv_weights(g: _Graph, node: Any) -> tuple[Any, Any] | None:
    """(weight, bias) of a Conv/ConvTranspose whose parameters are constants."""
    import numpy as np

    if len(node.input) < 2 or node.input[1] not in g.consts:
        return None
    w = g.consts[node.input[1]]
    if w.dtype != np.float32:
        return None
    channels = w.shape[0] if node.op_type == "Conv" else w.shape[1] * _attr(node, "group", 1)
    if len(node.input) > 2 and node.input[2]:
        if node.input[2] not in g.consts:
            return None
        b = g.consts[node.input[2]].astype(np.float32)
    else:
        b = np.zeros(channels, dtype=np.float32)
    return w, b


def _attr(node: Any, name: str, default: Any) -> Any:
    import onnx

    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def _set_conv(g: _Graph, node: Any, w: Any, b: Any) -> None:
    name = node.input[1]
    inputs = [node.input[0], g.new_const(name, w), g.new_const(name, b)]
    del node.input[:]
    node.input.extend(inputs)


def _scale_outputs(node: Any, w: Any, scale: Any) -> Any:
    """Weights of ``node`` with output channel ``c`` multiplied by ``scale[c]``."""
    if node.op_type == "Conv":
        return w * scale.reshape(-1, *([1] * (w.ndim - 1)))
    group = _attr(node, "group", 1)  # ConvTranspose: (C_in, C_out / group, k, k)
    cin, cout_g = w.shape[0], w.shape[1]
    grouped = w.reshape(group, cin // group, cout_g, *w.shape[2:])
    factor = scale.reshape(group, 1, cout_g, *([1] * (w.ndim - 2)))
    return (grouped * factor).reshape(w.shape)


def _fold_after_conv(g: _Graph) -> bool:
    """Fold BatchNormalization and Mul/Add/Sub/Div by constants into the Conv before them."""
    import numpy as np

    changed = False
    consumers = g.consumers()
    removed: set[int] = set()
    for node in g.nodes:
        if node.op_type not in ("Conv", "ConvTranspose") or id(node) in removed:
            continue
        while True:
            params = _conv_weights(g, node)
            nxt = g.only_consumer(consumers, node.output[0])
            if params is None or nxt is None:
                break
            w, b = params
            channels = b.shape[0]
            if nxt.op_type == "BatchNormalization":
                if any(name not in g.consts for name in nxt.input[1:5]) or len(nxt.output) != 1:
                    break
                gamma, beta, mean, var = (
                    g.consts[name].astype(np.float64) for name in nxt.input[1:5]
                )
                eps = float(_attr(nxt, "epsilon", 1e-5))
                scale = gamma / np.sqrt(var + eps)
                w = _scale_outputs(node, w.astype(np.float64), scale)
                b = (b - mean) * scale + beta
            elif nxt.op_type in ("Mul", "Add", "Sub", "Div"):
                operand = g.const_operand(nxt)
                if operand is None or operand[0] != node.output[0]:
                    break
                c = _per_channel(operand[1], channels)
                if c is None:
                    break
                c = c.astype(np.float64)
                if nxt.op_type == "Mul":
                    w, b = _scale_outputs(node, w.astype(np.float64), c), b * c
                elif nxt.op_type == "Div":
                    if not np.all(c):
                        break
                    w, b = _scale_outputs(node, w.astype(np.float64), 1 / c), b / c
                elif nxt.op_type == "Add":
                    b = b + c
                else:
                    b = b - c
            else:
                break
            _set_conv(g, node, w.astype(np.float32), b.astype(np.float32))
            node.output[0] = nxt.output[0]
            removed.add(id(nxt))
            changed = True
            consumers = {k: [n for n in v if id(n) not in removed] for k, v in consumers.items()}
    g.nodes = [n for n in g.nodes if id(n) not in removed]
    return changed


def _fold_before_conv(g: _Graph) -> bool:
    """Fold ``x · a + c`` (a, c constants per channel) into the Conv that reads it."""
    import numpy as np
    import onnx

    consumers = g.consumers()
    removed: set[int] = set()
    changed = False
    for mul in g.nodes:
        if mul.op_type != "Mul" or id(mul) in removed:
            continue
        operand = g.const_operand(mul)
        if operand is None:
            continue
        source, a_raw = operand
        add = g.only_consumer(consumers, mul.output[0])
        c_raw = None
        conv = add
        if add is not None and add.op_type == "Add":
            add_operand = g.const_operand(add)
            if add_operand is None or add_operand[0] != mul.output[0]:
                continue
            c_raw = add_operand[1]
            conv = g.only_consumer(consumers, add.output[0])
        else:
            add = None
        if conv is None or conv.op_type != "Conv" or id(conv) in removed:
            continue
        params = _conv_weights(g, conv)
        if params is None:
            continue
        w, b = params
        group = _attr(conv, "group", 1)
        cin = w.shape[1] * group
        a = _per_channel(a_raw, cin)
        c = _per_channel(c_raw, cin) if c_raw is not None else np.zeros(cin, np.float32)
        if a is None or c is None:
            continue
        # input channel i of group k is channel k * (cin / group) + i
        a_w = a.reshape(group, 1, -1).repeat(w.shape[0] // group, axis=1).reshape(w.shape[:2])
        c_w = c.reshape(group, 1, -1).repeat(w.shape[0] // group, axis=1).reshape(w.shape[:2])
        w64 = w.astype(np.float64)
        spatial = (1,) * (w.ndim - 2)
        new_w = w64 * a_w.reshape(*w.shape[:2], *spatial)
        pads = _attr(conv, "pads", [0] * (2 * (w.ndim - 2)))
        auto_pad = _attr(conv, "auto_pad", b"NOTSET")
        unpadded = not any(pads) and auto_pad in (b"NOTSET", b"VALID", "NOTSET", "VALID")
        if add is None or unpadded:
            new_b = b.astype(np.float64)
            if add is not None:
                shift = (w64 * c_w.reshape(*w.shape[:2], *spatial)).sum(
                    axis=tuple(range(1, w.ndim))
                )
                new_b = new_b + shift
            conv.input[0] = source
            removed.add(id(mul))
            if add is not None:
                removed.add(id(add))
        else:
            # zero padding comes after the shift, which stays: x + c / a, as a
            # BatchNormalization (ONNX Runtime runs it in the blocked layout of
            # the convolutions around it; an Add would convert to NCHW and back)
            if not np.all(a):
                continue
            new_b = b.astype(np.float64)
            ones = g.new_const("one", np.ones(cin, np.float32))
            shift = onnx.helper.make_node(
                "BatchNormalization",
                [
                    source,
                    ones,
                    g.new_const("shift", (c / a).astype(np.float32)),
                    g.new_const("zero", np.zeros(cin, np.float32)),
                    ones,
                ],
                [add.output[0]],
                epsilon=0.0,
            )
            g.nodes[g.nodes.index(add)] = shift
            removed.add(id(mul))
        _set_conv(g, conv, new_w.astype(np.float32), new_b.astype(np.float32))
        changed = True
        consumers = {k: [n for n in v if id(n) not in removed] for k, v in consumers.items()}
    g.nodes = [n for n in g.nodes if id(n) not in removed]
    return changed


def _is_const(g: _Graph, name: str, value: float) -> bool:
    arr = g.consts.get(name)
    return arr is not None and arr.size == 1 and float(arr.reshape(())) == value


def _fuse_hardswish(g: _Graph) -> bool:
    """``x · clip(x + 3, 0, 6) / 6`` → ``x · HardSigmoid(x)``."""
    import onnx

    consumers = g.consumers()
    removed: set[int] = set()
    new: dict[int, list[Any]] = {}
    for add in g.nodes:
        if add.op_type != "Add":
            continue
        operand = g.const_operand(add)
        if operand is None or operand[1].size != 1 or float(operand[1].reshape(())) != 3.0:
            continue
        x = operand[0]
        clip = g.only_consumer(consumers, add.output[0])
        if (
            clip is None
            or clip.op_type != "Clip"
            or len(clip.input) != 3
            or not _is_const(g, clip.input[1], 0.0)
            or not _is_const(g, clip.input[2], 6.0)
        ):
            continue
        mul = g.only_consumer(consumers, clip.output[0])
        if mul is None or mul.op_type != "Mul" or set(mul.input) != {x, clip.output[0]}:
            continue
        div = g.only_consumer(consumers, mul.output[0])
        if div is None or div.op_type != "Div" or not _is_const(g, div.input[1], 6.0):
            continue
        gate = f"{div.output[0]}__gate"
        new[id(add)] = [
            onnx.helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5),
            onnx.helper.make_node("Mul", [x, gate], [div.output[0]]),
        ]
        removed.update({id(clip), id(mul), id(div)})
    if not new:
        return False
    nodes: list[Any] = []
    for node in g.nodes:
        if id(node) in new:
            nodes.extend(new[id(node)])
        elif id(node) not in removed:
            nodes.append(node)
    g.nodes = nodes
    return True


def gray_input(model: Any) -> Any:
    """``model`` reading one grey channel instead of three equal ones.

    The convolutions reading the image get their weights summed over the
    input channels (exact for a grey image copied into the three channels).
    """
    from onnx import numpy_helper

    graph = model.graph
    name = graph.input[0].name
    readers = [n for n in graph.node if name in n.input]
    if not readers or any(n.op_type != "Conv" or list(n.input).index(name) != 0 for n in readers):
        raise ValueError("the image is read by other operators than convolutions")
    inits = {init.name: i for i, init in enumerate(graph.initializer)}
    for conv in readers:
        if _attr(conv, "group", 1) != 1 or conv.input[1] not in inits:
            raise ValueError("unexpected first convolution")
        i = inits[conv.input[1]]
        w = numpy_helper.to_array(graph.initializer[i])
        summed = w.sum(axis=1, keepdims=True, dtype="float64").astype(w.dtype)
        graph.initializer[i].CopyFrom(numpy_helper.from_array(summed, conv.input[1]))
    dims = graph.input[0].type.tensor_type.shape.dim
    dims[1].ClearField("dim_param")
    dims[1].dim_value = 1
    return model


def fold_gray(model: Any) -> Any:
    """``fold``, then ``gray_input``: what ``load_session`` runs by default."""
    return gray_input(fold(model))


def fold(model: Any) -> Any:
    """A copy of ``model`` (an ``onnx.ModelProto``) with the affine steps folded."""
    import onnx

    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    g = _Graph(copy)
    _fuse_hardswish(g)
    while _fold_after_conv(g) | _fold_before_conv(g):
        pass
    return g.finish()


# ---------------------------------------------------------------------------
# Sessions.


def session_options(threads: int | None = None) -> Any:
    """ONNX Runtime options: full graph optimisation, quiet, a memory arena."""
    import onnxruntime as ort  # type: ignore[import-untyped, unused-ignore]

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # the arena keeps buffers between runs of varying sizes (measured: 5-30 % faster)
    opts.enable_cpu_mem_arena = True
    if threads:
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
    return opts


def probe_input(name: str) -> Any:
    """A fixed grey input for the check: stripes with noise, in the models' range."""
    import numpy as np

    height, width = (48, 160) if name == REC_MODEL else (96, 128)
    rng = np.random.default_rng(20240607)
    x = np.full((2, 1, height, width), 1.0, dtype=np.float32)
    x[:, :, height // 4 : 3 * height // 4, ::9] = -1.0
    x[:, :, height // 3 : height // 3 + 3, width // 8 :] = -1.0
    x += rng.normal(0.0, 0.2, x.shape).astype(np.float32)
    return np.clip(x, -1.0, 1.0)


class Model:
    """An inference session fed grey images (N, 1, H, W), whatever its input."""

    def __init__(self, session: Any, folded: bool) -> None:
        self.session = session
        self.folded = folded
        inp = session.get_inputs()[0]
        self.input = inp.name
        self.channels = inp.shape[1] if isinstance(inp.shape[1], int) else 3

    def __call__(self, gray: Any) -> Any:
        """The first output for a batch of grey images."""
        import numpy as np

        x = gray if self.channels == 1 else np.repeat(gray, self.channels, axis=1)
        return self.session.run(None, {self.input: x})[0]


def load_session(
    path: Path,
    threads: int | None = None,
    folder: Callable[[Any], Any] | None = None,
    probe: Any = None,
    original: Any = None,
) -> Model:
    """The folded model at ``path`` (``Model.folded``), or the original when
    folding fails or changes the outputs on ``probe`` (grey, N×1×H×W).

    ``original``: a session already open on the model at ``path`` (RapidOCR's),
    used for the check and the fallback instead of opening one more.
    """
    import numpy as np
    import onnx
    import onnxruntime as ort  # type: ignore[import-untyped, unused-ignore]

    providers = ["CPUExecutionProvider"]
    raw = path.read_bytes()
    if original is None:
        original = ort.InferenceSession(raw, session_options(threads), providers=providers)
    try:
        folded = Model(
            ort.InferenceSession(
                (folder or fold_gray)(onnx.load_from_string(raw)).SerializeToString(),
                session_options(threads),
                providers=providers,
            ),
            True,
        )
        x = probe_input(path.name) if probe is None else probe
        want = Model(original, False)(x)
        got = folded(x)
        diff = float(np.abs(want - got).max()) if want.shape == got.shape else math.inf
    except Exception as exc:  # any failure: the original model still works
        log.warning("folding %s failed (%s); using the original model", path.name, exc)
        return Model(original, False)
    if not diff <= TOLERANCE:
        log.warning(
            "folded %s differs from the original by %.3g; using the original model",
            path.name,
            diff,
        )
        return Model(original, False)
    return folded
