/*
 * cl_onnx.h - a trained model leaves the lab: ONNX export.
 *
 * Usage (tools/convlab-train.c --save-onnx is a complete example):
 *
 *     const char *names = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot";
 *     size_t len = cl_nn_onnx_size(m, names);         // 0: see cl_nn_check_class_names
 *     uint8_t *buf = malloc(len);
 *     cl_status st = cl_nn_save_onnx(m, names, buf, len);   // writes exactly len bytes
 *
 * ---- What the file holds ----
 * A standard ONNX model (IR version 7, the default domain at opset 13) that
 * computes what cl_nn_predict computes, layer by layer:
 *
 *   input  "image"   float32 (N, C, H, W), NCHW, N free: each pixel byte / 255
 *                    (0..1, 0 black), as the engine scales images and as
 *                    torchvision's ToTensor() gives them
 *   output "output"  float32 (N, cl_nn_outputs()): class probabilities after
 *                    softmax, one sigmoid per output, or the linear outputs
 *
 *   spec token          ONNX node(s)
 *   conv<KH>x<KW>x<N>   Conv (kernel_shape, pads p on every side, strides s),
 *                       weights (OC, C, KH, KW) and bias (OC) as initializers
 *   maxpool<K>          MaxPool   kernel_shape K x K, strides K (floor, no padding)
 *   avgpool<K>          AveragePool, the same
 *   dense<N>            Gemm(x, W, b) with transB = 1: W is the engine's (OUT, IN)
 *   flatten             Flatten axis 1
 *   relu, sigmoid, tanh Relu, Sigmoid, Tanh
 *   linear              Identity
 *   softmax             Softmax axis 1
 * Between them, where the engine only changes its view of an activation:
 * Flatten (axis 1) before a dense layer or softmax that follows a 4-D one,
 * giving (N, C*H*W) in (C, H, W) order as the engine's dense layer reads it;
 * Reshape to (N, K, 1, 1) before a conv or pooling layer that follows a dense
 * one; and Flatten at the end when the last layer is 4-D.
 *
 * Node and tensor names are the spec's tokens with their layer number
 * ("l1_conv3x3x8", "l1_conv3x3x8.weight"), so the graph in Netron reads like
 * the spec. The model's metadata_props hold:
 *   spec           the spec as parsed
 *   input_shape    "C,H,W" of one example (Fashion-MNIST: "1,28,28")
 *   input_layout   how the input tensor is laid out (NCHW)
 *   input_scaling  how pixel bytes become the input's floats (byte / 255)
 *   class_names    the class names, comma-separated, in output order
 *   output         what the output holds (probabilities, sigmoids, linear)
 *
 * The encoder is hand-written protobuf (varints, length-delimited fields,
 * raw little-endian float data): one encoder for the train page (WASM) and
 * the native trainer, no library, nothing allocated. Each nested message is
 * measured by a counting pass before it is written, as nanopb does, so the
 * bytes are canonical protobuf and cl_nn_onnx_size() is exact.
 */
#ifndef CL_ONNX_H
#define CL_ONNX_H

#include "cl_nn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CL_ONNX_IR_VERSION 7 /* the IR version that goes with opset 13 */
#define CL_ONNX_OPSET 13
/* Longest class_names string accepted, in bytes. */
#define CL_MAX_CLASS_NAMES 4096

/* Checks class names for m: NULL or "" (the outputs are then named by number,
 * "0,1,...") or exactly cl_nn_classes(m) names separated by ',' (spaces
 * around a name are dropped). CL_ERR_MISMATCH when the count differs,
 * CL_ERR_ARG for an empty name, a control character, text that is not UTF-8
 * or more than CL_MAX_CLASS_NAMES bytes, CL_ERR_NULL for no model.
 * Both exports (ONNX and PyTorch) take class names this way. */
CL_API cl_status cl_nn_check_class_names(const cl_nn *m, const char *class_names);

/* Bytes of the ONNX file for m with these class names; 0 if m is NULL, the
 * class names are refused (above) or the size does not fit in size_t. */
CL_API size_t cl_nn_onnx_size(const cl_nn *m, const char *class_names);

/* Writes the ONNX file, exactly cl_nn_onnx_size() bytes, into buf (len bytes,
 * the caller's). CL_ERR_OUTPUT if len is smaller (nothing written), the
 * statuses of cl_nn_check_class_names, CL_ERR_OVERFLOW if the file's size
 * does not fit in size_t. Reads the model only; allocates nothing. */
CL_API cl_status cl_nn_save_onnx(const cl_nn *m, const char *class_names, uint8_t *buf, size_t len);

/* Name i (0-based) of class names that passed cl_nn_check_class_names, spaces
 * around it dropped: *start points into class_names, the length is returned.
 * 0 when there are no names (NULL or ""): the caller then writes i. For the
 * exports (cl_onnx.c, cl_pytorch.c), not exported to WebAssembly. */
size_t cl_class_name_at(const char *class_names, int i, const char **start);

#ifdef __cplusplus
}
#endif
#endif
