/* cl_constant.c - the engine's integer constants by name (see cl_base.h).
 * Each entry takes its name and its value from the same token, so the two
 * cannot disagree; tests/native/test_constant.c checks that every constant
 * of the headers is here. */
#include "cl_base.h"
#include "cl_conv.h"
#include "cl_filter.h"
#include "cl_image.h"
#include "cl_kernel.h"
#include "cl_nn.h"
#include "cl_onnx.h"

#include <string.h>

#define ENTRY(x) {#x, x}

static const struct {
    const char *name;
    int value;
} constants[] = {
    /* cl_base.h: statuses and the shared limits */
    ENTRY(CL_OK), ENTRY(CL_ERR_NULL), ENTRY(CL_ERR_SIZE), ENTRY(CL_ERR_OVERFLOW), ENTRY(CL_ERR_NOMEM),
    ENTRY(CL_ERR_CHANNELS), ENTRY(CL_ERR_KERNEL_SIZE), ENTRY(CL_ERR_KERNEL_TOO_BIG),
    ENTRY(CL_ERR_STRIDE), ENTRY(CL_ERR_PADDING), ENTRY(CL_ERR_ARG), ENTRY(CL_ERR_OUTPUT),
    ENTRY(CL_ERR_SPEC), ENTRY(CL_ERR_FORMAT), ENTRY(CL_ERR_VERSION), ENTRY(CL_ERR_CHECKSUM),
    ENTRY(CL_ERR_TRUNCATED), ENTRY(CL_ERR_MISMATCH), ENTRY(CL_ERR_DIVERGED), ENTRY(CL_STATUS_COUNT),
    ENTRY(CL_MAX_DIM), ENTRY(CL_MAX_KERNEL), ENTRY(CL_MAX_STRIDE), ENTRY(CL_CONSTANT_UNKNOWN),
    /* cl_conv.h */
    ENTRY(CL_MAX_CONV_CHANNELS), ENTRY(CL_PAD_VALID), ENTRY(CL_PAD_ZERO), ENTRY(CL_PAD_REFLECT),
    ENTRY(CL_PAD_EDGE),
    /* cl_filter.h */
    ENTRY(CL_FILTER_GRAY), ENTRY(CL_FILTER_PER_CHANNEL), ENTRY(CL_FILTER_SUM),
    ENTRY(CL_FILTER_MAGNITUDE), ENTRY(CL_FILTER_PARAMS_BYTES),
    /* cl_image.h */
    ENTRY(CL_DISPLAY_CLAMP), ENTRY(CL_DISPLAY_ABS_SCALED), ENTRY(CL_DISPLAY_DIVERGING),
    ENTRY(CL_DISPLAY_COUNT), ENTRY(CL_LUMA_R), ENTRY(CL_LUMA_G), ENTRY(CL_LUMA_B), ENTRY(CL_LUMA_SCALE),
    /* cl_kernel.h */
    ENTRY(CL_KERNEL_IDENTITY), ENTRY(CL_KERNEL_BOX), ENTRY(CL_KERNEL_GAUSSIAN),
    ENTRY(CL_KERNEL_SOBEL_X), ENTRY(CL_KERNEL_SOBEL_Y), ENTRY(CL_KERNEL_SHARPEN),
    ENTRY(CL_KERNEL_LAPLACIAN), ENTRY(CL_KERNEL_EMBOSS), ENTRY(CL_KERNEL_COUNT),
    /* cl_nn.h: limits, layers, losses, optimisers, the model file */
    ENTRY(CL_NN_MAX_LAYERS), ENTRY(CL_NN_MAX_SPEC), ENTRY(CL_NN_MAX_PARAMS), ENTRY(CL_NN_MAX_UNITS),
    ENTRY(CL_NN_MAX_CHANNELS), ENTRY(CL_NN_MAX_ACTIVATIONS), ENTRY(CL_NN_MAX_BATCH),
    ENTRY(CL_NN_MAX_CONFUSION), ENTRY(CL_LAYER_INPUT), ENTRY(CL_LAYER_DENSE), ENTRY(CL_LAYER_CONV),
    ENTRY(CL_LAYER_MAXPOOL), ENTRY(CL_LAYER_AVGPOOL), ENTRY(CL_LAYER_FLATTEN), ENTRY(CL_LAYER_RELU),
    ENTRY(CL_LAYER_SIGMOID), ENTRY(CL_LAYER_TANH), ENTRY(CL_LAYER_LINEAR), ENTRY(CL_LAYER_SOFTMAX),
    ENTRY(CL_LOSS_XENT), ENTRY(CL_LOSS_MSE), ENTRY(CL_LOSS_BCE), ENTRY(CL_OPT_SGD),
    ENTRY(CL_OPT_MOMENTUM), ENTRY(CL_OPT_ADAM), ENTRY(CL_NN_FILE_VERSION),
    ENTRY(CL_NN_FILE_HEADER_BYTES), ENTRY(CL_NN_MAX_TENSORS), ENTRY(CL_NN_MAX_FILE_BYTES),
    /* cl_onnx.h: the ONNX file written */
    ENTRY(CL_ONNX_IR_VERSION), ENTRY(CL_ONNX_OPSET), ENTRY(CL_MAX_CLASS_NAMES),
};

int cl_constant(const char *name)
{
    if (!name) return CL_CONSTANT_UNKNOWN;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (strcmp(name, constants[i].name) == 0) return constants[i].value;
    return CL_CONSTANT_UNKNOWN;
}
