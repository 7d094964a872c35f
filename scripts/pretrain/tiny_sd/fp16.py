"""An fp16 variant of an exported fp32 ONNX file: float16 weights and float16 float inputs/outputs.

What a half-precision Stable Diffusion export looks like from the outside (float16 `sample`,
`encoder_hidden_states`, `out_sample`; the int64 timestep stays int64). Inside, every float
weight is stored as float16 and cast to float32 where it is used, and the graph computes in
float32: ONNX Runtime's CPU and wasm backends have few float16 kernels, and this file exists
to test the runtime's conversion at the boundary, not half-precision arithmetic.

(`torch.onnx.export` of a `.half()` model needs float16 CPU kernels that torch 1.13 lacks, and
onnxconverter-common is not installable here, hence this small rewrite.)
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def to_fp16_io(src: str, dst: str) -> None:
    model = onnx.load(src)
    g = model.graph
    head, new_inits = [], []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            new_inits.append(init)
            continue
        arr = numpy_helper.to_array(init).astype(np.float16)
        new_inits.append(numpy_helper.from_array(arr, init.name + "_fp16"))
        head.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name], to=TensorProto.FLOAT))
    del g.initializer[:]
    g.initializer.extend(new_inits)

    # Float inputs become float16 with a cast to the float32 name the graph uses.
    for inp in g.input:
        tt = inp.type.tensor_type
        if tt.elem_type != TensorProto.FLOAT:
            continue
        inner = inp.name + "_f32"
        for node in g.node:
            node.input[:] = [inner if x == inp.name else x for x in node.input]
        head.append(helper.make_node("Cast", [inp.name], [inner], to=TensorProto.FLOAT))
        tt.elem_type = TensorProto.FLOAT16

    # Float outputs: the producer writes <name>_f32, a final cast gives the float16 output.
    tail = []
    for out in g.output:
        tt = out.type.tensor_type
        if tt.elem_type != TensorProto.FLOAT:
            continue
        inner = out.name + "_f32"
        for node in g.node:
            node.output[:] = [inner if x == out.name else x for x in node.output]
            node.input[:] = [inner if x == out.name else x for x in node.input]
        tail.append(helper.make_node("Cast", [inner], [out.name], to=TensorProto.FLOAT16))
        tt.elem_type = TensorProto.FLOAT16

    nodes = head + list(g.node) + tail
    del g.node[:]
    g.node.extend(nodes)
    # Value-info entries of renamed tensors would now be wrong; shapes are re-inferred at load.
    del g.value_info[:]
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, dst)
