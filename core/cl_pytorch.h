/*
 * cl_pytorch.h - a trained model leaves the lab: one Python file for PyTorch.
 *
 * Usage (tools/convlab-train.c --save-pytorch is a complete example):
 *
 *     size_t len = cl_nn_pytorch_size(m, names);    // names as for cl_nn_save_onnx
 *     char *text = malloc(len);
 *     cl_status st = cl_nn_save_pytorch(m, names, text, len);   // len bytes, no NUL
 *     fwrite(text, 1, len, f);                                   // model.py
 *
 * ---- What the file holds ----
 * UTF-8 Python 3 source, for torch 1.10 or later (Debian 12's python3-torch is
 * 1.13), that needs nothing but torch and Python's standard library:
 *   - a comment at the top: how to run it and how to use it from other code,
 *     what the input and output are;
 *   - SPEC, INPUT_SHAPE (C, H, W) and CLASS_NAMES;
 *   - build_model(): a torch.nn.Sequential that mirrors the spec token by
 *     token (Conv2d, MaxPool2d, AvgPool2d, Linear, ReLU, Sigmoid, Tanh,
 *     Identity for linear, Flatten, Softmax(dim=1)), each with a comment
 *     giving its spec token and shapes, plus nn.Flatten before a Linear that
 *     follows a 4-D layer, nn.Unflatten before a conv or pooling layer that
 *     follows a Linear, and nn.Flatten at the end if the last layer is 4-D
 *     (as in the ONNX export, cl_onnx.h), with the trained weights loaded and
 *     in eval mode;
 *   - read_idx_images(path): (N, C, H, W) floats from an IDX file (.gz or not);
 *   - WEIGHTS: the state dict, each tensor as its shape and the base64 of its
 *     little-endian float32 values (embedded, so the file is all a student
 *     carries; 4/3 the size of the weights);
 *   - under `if __name__ == "__main__":` a run that prints the network and the
 *     class it predicts for the test images named on the command line
 *     (python3 model.py t10k-images-idx3-ubyte.gz 0 1 2), or for a blank image.
 * The input is float32 (N, C, H, W), each pixel byte / 255, as in the ONNX
 * export; the output is what cl_nn_predict gives.
 */
#ifndef CL_PYTORCH_H
#define CL_PYTORCH_H

#include "cl_nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of the Python file for m with these class names (checked as
 * cl_nn_check_class_names does, cl_onnx.h); 0 if m is NULL, the names are
 * refused or the size does not fit in size_t. */
CL_API size_t cl_nn_pytorch_size(const cl_nn *m, const char *class_names);

/* Writes the Python file, exactly cl_nn_pytorch_size() bytes of UTF-8 and no
 * terminating NUL, into buf (len bytes, the caller's). CL_ERR_OUTPUT if len is
 * smaller (nothing written), the statuses of cl_nn_check_class_names,
 * CL_ERR_OVERFLOW if the size does not fit in size_t. Allocates nothing. */
CL_API cl_status cl_nn_save_pytorch(const cl_nn *m, const char *class_names, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
