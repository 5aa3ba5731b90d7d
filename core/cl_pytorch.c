/* cl_pytorch.c - the PyTorch export: one Python file (described in cl_pytorch.h).
 *
 * A text writer that counts when it has no buffer (so the size is exact and
 * nothing is allocated), the list of torch modules for the model's layers
 * (public model API only), and the file, top to bottom. Only integers and
 * strings are formatted, never floats: the weights go out as base64 of their
 * bits, so the native and WebAssembly builds write the same bytes. */
#include "cl_pytorch.h"

#include "cl_onnx.h"
#include "cl_writer.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------- text writer */

/* Counts the text's bytes, and writes them too when buf is set (cl_writer.h). */
typedef cl_writer tw;

static void tw_put(tw *w, const char *s, size_t n) { cl_writer_put(w, s, n); }

static void tw_str(tw *w, const char *s) { tw_put(w, s, strlen(s)); }

/* printf into the text; every line formatted here is short (a spec is < 256) */
static void tw_printf(tw *w, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void tw_printf(tw *w, const char *fmt, ...)
{
    char line[640];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert(n >= 0 && (size_t)n < sizeof line);
    tw_put(w, line, (size_t)n);
}

/* s (n bytes, checked UTF-8 without control characters) as a Python string literal */
static void tw_pystring(tw *w, const char *s, size_t n)
{
    tw_put(w, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') tw_put(w, "\\", 1);
        tw_put(w, s + i, 1);
    }
    tw_put(w, "\"", 1);
}

#define B64_LINE 57 /* bytes per line of base64: 76 characters */

/* The n floats' little-endian bytes in base64, B64_LINE bytes a line, each
 * line ending in '\n'. Counting needs no pass over the values. */
static void tw_base64(tw *w, const float *v, size_t n)
{
    if (n > SIZE_MAX / 4) {
        w->bad = 1;
        return;
    }
    const size_t bytes = 4 * n;
    if (!w->buf) {
        /* 4 characters per group of 3 bytes (the last one padded), and a '\n' per line */
        const size_t groups = bytes / 3 + (bytes % 3 != 0), lines = (bytes + B64_LINE - 1) / B64_LINE;
        if (groups > SIZE_MAX / 4 || 4 * groups > SIZE_MAX - lines) {
            w->bad = 1;
            return;
        }
        if (cl_writer_room(w, 4 * groups + lines)) w->at += 4 * groups + lines;
        return;
    }
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t at = 0; at < bytes && !w->bad; at += B64_LINE) {
        const size_t end = bytes - at < B64_LINE ? bytes : at + B64_LINE;
        char line[B64_LINE / 3 * 4 + 1];
        size_t len = 0;
        for (size_t k = at; k < end; k += 3) {
            uint32_t group = 0;
            const size_t have = end - k < 3 ? end - k : 3;
            for (size_t j = 0; j < 3; j++) {
                uint32_t byte = 0;
                if (j < have) {
                    uint32_t bits;
                    memcpy(&bits, &v[(k + j) / 4], 4);
                    byte = bits >> (8 * ((k + j) % 4)) & 0xFFu;
                }
                group = group << 8 | byte;
            }
            for (size_t j = 0; j < 4; j++)
                line[len++] = j <= have ? digits[group >> (18 - 6 * j) & 63] : '=';
        }
        line[len++] = '\n';
        tw_put(w, line, len);
    }
}

/* ----------------------------------------------------- the modules */

#define MAX_MODULES (2 * CL_NN_MAX_LAYERS + 2)

enum { MOD_LAYER, MOD_FLATTEN, MOD_UNFLATTEN };

typedef struct torch_module {
    int layer; /* the spec's layer; for MOD_FLATTEN/MOD_UNFLATTEN the layer it prepares for (or ends) */
    int what;
    int rank_in; /* 4 (N, C, H, W) or 2 (N, F): what the module receives */
} torch_module;

typedef struct torch_plan {
    const cl_nn *m;
    const char *class_names;
    int nmod;
    torch_module mod[MAX_MODULES];
} torch_plan;

static void add_module(torch_plan *p, int layer, int what, int rank_in)
{
    assert(p->nmod < MAX_MODULES);
    p->mod[p->nmod++] = (torch_module){layer, what, rank_in};
}

/* As make_plan in cl_onnx.c: the views the engine makes silently, made explicit. */
static void make_plan(torch_plan *p, const cl_nn *m, const char *class_names)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->class_names = class_names;
    int rank = 4;
    const int nl = cl_nn_layer_count(m);
    for (int i = 1; i < nl; i++) {
        const int kind = cl_nn_layer_kind(m, i);
        if (rank == 4 && (kind == CL_LAYER_DENSE || kind == CL_LAYER_SOFTMAX)) {
            add_module(p, i, MOD_FLATTEN, rank);
            rank = 2;
        }
        if (rank == 2 && (kind == CL_LAYER_CONV || kind == CL_LAYER_MAXPOOL || kind == CL_LAYER_AVGPOOL)) {
            add_module(p, i, MOD_UNFLATTEN, rank);
            rank = 4;
        }
        add_module(p, i, MOD_LAYER, rank);
        if (kind == CL_LAYER_DENSE || kind == CL_LAYER_FLATTEN) rank = 2;
    }
    if (rank == 4) add_module(p, nl - 1, MOD_FLATTEN, rank);
}

/* "(C, H, W)" or "F" (C*H*W), as torch holds layer i's output for one image */
static void shape_text(const cl_nn *m, int i, int rank, char *out, size_t len)
{
    const int c = cl_nn_layer_shape(m, i, 0), h = cl_nn_layer_shape(m, i, 1), w = cl_nn_layer_shape(m, i, 2);
    if (rank == 4)
        snprintf(out, len, "(%d, %d, %d)", c, h, w);
    else
        snprintf(out, len, "%lld", (long long)c * h * w);
}

/* One line of the nn.Sequential: the module, then its token and shapes. */
static void write_module(tw *w, const torch_plan *p, int k)
{
    const cl_nn *m = p->m;
    const torch_module *t = &p->mod[k];
    const int i = t->layer, kind = cl_nn_layer_kind(m, i);
    const char *token = cl_nn_layer_name(m, i);
    char code[160], in[48], out[48];
    if (t->what == MOD_FLATTEN) {
        /* before layer i (its input, layer i-1's output), or after the last layer */
        const int end = k == p->nmod - 1, src = end ? i : i - 1;
        shape_text(m, src, 4, in, sizeof in);
        shape_text(m, src, 2, out, sizeof out);
        tw_printf(w, "        %-59s  # %d: %s%s, %s -> %s in (C, H, W) order\n", "nn.Flatten(),", k,
                  end ? "the output" : "flatten for ", end ? "" : token, in, out);
        return;
    }
    if (t->what == MOD_UNFLATTEN) {
        const int units = cl_nn_layer_shape(m, i - 1, 0);
        snprintf(code, sizeof code, "nn.Unflatten(1, (%d, 1, 1)),", units);
        tw_printf(w, "        %-59s  # %d: (C, H, W) for %s, %d -> (%d, 1, 1)\n", code, k, token, units, units);
        return;
    }
    const int kh = cl_nn_layer_geometry(m, i, 0), kw = cl_nn_layer_geometry(m, i, 1);
    const int pad = cl_nn_layer_geometry(m, i, 2), stride = cl_nn_layer_geometry(m, i, 3);
    const int rank_out = kind == CL_LAYER_DENSE || kind == CL_LAYER_FLATTEN ? 2 : t->rank_in;
    switch (kind) {
    case CL_LAYER_CONV:
        snprintf(code, sizeof code, "nn.Conv2d(%d, %d, kernel_size=(%d, %d), stride=%d, padding=%d),",
                 cl_nn_layer_shape(m, i - 1, 0), cl_nn_layer_shape(m, i, 0), kh, kw, stride, pad);
        break;
    case CL_LAYER_MAXPOOL: snprintf(code, sizeof code, "nn.MaxPool2d(%d),", kh); break;
    case CL_LAYER_AVGPOOL: snprintf(code, sizeof code, "nn.AvgPool2d(%d),", kh); break;
    case CL_LAYER_DENSE:
        snprintf(code, sizeof code, "nn.Linear(%d, %d),", cl_nn_layer_weight_shape(m, i, 1),
                 cl_nn_layer_weight_shape(m, i, 0));
        break;
    case CL_LAYER_FLATTEN: snprintf(code, sizeof code, "nn.Flatten(),"); break;
    case CL_LAYER_RELU: snprintf(code, sizeof code, "nn.ReLU(),"); break;
    case CL_LAYER_SIGMOID: snprintf(code, sizeof code, "nn.Sigmoid(),"); break;
    case CL_LAYER_TANH: snprintf(code, sizeof code, "nn.Tanh(),"); break;
    case CL_LAYER_SOFTMAX: snprintf(code, sizeof code, "nn.Softmax(dim=1),"); break;
    default: snprintf(code, sizeof code, "nn.Identity(),"); break; /* linear */
    }
    shape_text(m, i - 1, t->rank_in, in, sizeof in);
    shape_text(m, i, rank_out, out, sizeof out);
    tw_printf(w, "        %-59s  # %d: %s, %s -> %s\n", code, k, token, in, out);
}

/* The spec token's weights go under the module's index in the state dict. */
static void write_weights(tw *w, const torch_plan *p)
{
    cl_nn *m = (cl_nn *)p->m; /* the getters hand out writable pointers; only read here */
    tw_str(w, "# The trained weights: state-dict key -> (shape, base64 of little-endian float32).\n"
              "WEIGHTS = {\n");
    for (int k = 0; k < p->nmod; k++) {
        const int i = p->mod[k].layer;
        if (p->mod[k].what != MOD_LAYER || cl_nn_layer_weight_shape(m, i, 0) <= 0) continue;
        const int conv = cl_nn_layer_kind(m, i) == CL_LAYER_CONV;
        int d[4];
        size_t nw = 1;
        for (int j = 0; j < 4; j++) {
            d[j] = cl_nn_layer_weight_shape(m, i, j);
            if (cl_mul_size(nw, (size_t)d[j], &nw) != CL_OK) w->bad = 1;
        }
        if (conv)
            tw_printf(w, "    \"%d.weight\": ((%d, %d, %d, %d), \"\"\"\n", k, d[0], d[1], d[2], d[3]);
        else
            tw_printf(w, "    \"%d.weight\": ((%d, %d), \"\"\"\n", k, d[0], d[1]);
        tw_base64(w, cl_nn_layer_weights(m, i), nw);
        tw_printf(w, "\"\"\"),\n    \"%d.bias\": ((%d,), \"\"\"\n", k, d[0]);
        tw_base64(w, cl_nn_layer_bias(m, i), (size_t)d[0]);
        tw_str(w, "\"\"\"),\n");
    }
    tw_str(w, "}\n");
}

static void write_script(tw *w, const torch_plan *p)
{
    const cl_nn *m = p->m;
    const char *spec = cl_nn_spec(m);
    const int c = cl_nn_layer_shape(m, 0, 0), h = cl_nn_layer_shape(m, 0, 1), wd = cl_nn_layer_shape(m, 0, 2);
    const int outputs = cl_nn_outputs(m), classes = cl_nn_classes(m);
    const int last = cl_nn_layer_kind(m, cl_nn_layer_count(m) - 1);
    const char *output = last == CL_LAYER_SOFTMAX ? "class probabilities (softmax), in CLASS_NAMES order"
                         : outputs == 1 && last == CL_LAYER_SIGMOID ? "the probability of class 1 (sigmoid)"
                         : outputs == 1 ? "one linear output: class 1 above 0.5"
                         : last == CL_LAYER_SIGMOID ? "one sigmoid per class"
                                                    : "linear outputs, one per class";
    tw_printf(w, "# A convlab model for PyTorch: %s\n", spec);
    tw_str(w, "#\n"
              "# Written by convlab (the train page, or convlab-train --save-pytorch). One file: the\n"
              "# network as a torch.nn.Sequential, layer by layer as in the spec, and its trained\n"
              "# weights (WEIGHTS, at the end). Needs only torch (Debian: apt install python3-torch;\n"
              "# elsewhere: pip install torch). Below, model.py stands for this file's name.\n"
              "#\n"
              "# Run it:\n"
              "#     python3 model.py                                  # the network, a blank image's class\n"
              "#     python3 model.py t10k-images-idx3-ubyte.gz 0 1 2  # the class of test images 0, 1, 2\n"
              "#\n"
              "# Use it from Python (pixels: bytes 0..255, as in the IDX files):\n"
              "#     import torch\n"
              "#     from model import build_model, CLASS_NAMES\n"
              "#     net = build_model()                               # trained weights, eval mode\n");
    tw_printf(w, "#     x = torch.tensor(pixels, dtype=torch.float32).reshape(-1, %d, %d, %d) / 255\n", c, h, wd);
    tw_printf(w, "#     out = net(x)                                      # (N, %d)\n", outputs);
    tw_str(w, outputs == 1 ? "#     print(CLASS_NAMES[int(out[0, 0] > 0.5)])\n"
                           : "#     print(CLASS_NAMES[out[0].argmax()])\n");
    tw_printf(w, "#\n"
                 "# Input: float32 (N, C, H, W) = (N, %d, %d, %d): each pixel byte / 255 (0..1, 0 black),\n"
                 "# as convlab reads images and as torchvision's ToTensor() gives them.\n"
                 "# Output: (N, %d), %s.\n",
              c, h, wd, outputs, output);
    tw_str(w, "\nimport array\nimport base64\nimport gzip\nimport sys\n\nimport torch\nfrom torch import nn\n\n");
    tw_printf(w, "SPEC = \"%s\"\nINPUT_SHAPE = (%d, %d, %d)  # (C, H, W) of one image\nCLASS_NAMES = [", spec, c,
              h, wd);
    for (int k = 0; k < classes; k++) {
        const char *s;
        size_t n = cl_class_name_at(p->class_names, k, &s);
        if (k > 0) tw_str(w, ", ");
        if (p->class_names && *p->class_names)
            tw_pystring(w, s, n);
        else
            tw_printf(w, "\"%d\"", k);
    }
    tw_str(w, "]\n\n\n"
              "def build_model():\n"
              "    \"\"\"The network with its trained weights, in eval mode.\"\"\"\n"
              "    model = nn.Sequential(\n");
    for (int k = 0; k < p->nmod; k++) write_module(w, p, k);
    tw_str(w, "    )\n"
              "    model.load_state_dict(load_weights())\n"
              "    return model.eval()\n"
              "\n\n"
              "def load_weights():\n"
              "    \"\"\"WEIGHTS as a state dict of float32 tensors.\"\"\"\n"
              "    state = {}\n"
              "    for key, (shape, text) in WEIGHTS.items():\n"
              "        values = array.array(\"f\", base64.b64decode(text))\n"
              "        if sys.byteorder == \"big\":\n"
              "            values.byteswap()\n"
              "        state[key] = torch.frombuffer(values, dtype=torch.float32).reshape(shape).clone()\n"
              "    return state\n"
              "\n\n"
              "def read_idx_images(path):\n"
              "    \"\"\"(N, C, H, W) float32 from an IDX images file (.gz or plain): bytes / 255.\"\"\"\n"
              "    with (gzip.open if path.endswith(\".gz\") else open)(path, \"rb\") as f:\n"
              "        data = f.read()\n"
              "    ndims = data[3]\n"
              "    count = int.from_bytes(data[4:8], \"big\")\n"
              "    pixels = torch.frombuffer(bytearray(data[4 + 4 * ndims:]), dtype=torch.uint8)\n"
              "    return pixels.reshape(count, *INPUT_SHAPE).float() / 255\n"
              "\n\n"
              "def predicted_class(row):\n");
    tw_str(w, outputs == 1 ? "    return int(row[0] > 0.5)\n" : "    return int(row.argmax())\n");
    tw_str(w, "\n\n"
              "def main(args):\n"
              "    model = build_model()\n"
              "    print(model)\n"
              "    if args:\n"
              "        images = read_idx_images(args[0])\n"
              "        which = [int(a) for a in args[1:]] or [0]\n"
              "    else:\n"
              "        print(\"(no IDX file given: a blank image)\")\n"
              "        images, which = torch.zeros(1, *INPUT_SHAPE), [0]\n"
              "    with torch.no_grad():\n"
              "        out = model(images[which])\n"
              "    for i, row in zip(which, out):\n"
              "        k = predicted_class(row)\n"
              "        print(f\"image {i}: class {k}, {CLASS_NAMES[k]} (largest output {float(row.max()):.4f})\")\n"
              "\n\n");
    write_weights(w, p);
    tw_str(w, "\n\nif __name__ == \"__main__\":\n    main(sys.argv[1:])\n");
}

/* ------------------------------------------------------------ public */

size_t cl_nn_pytorch_size(const cl_nn *m, const char *class_names)
{
    if (cl_nn_check_class_names(m, class_names) != CL_OK) return 0;
    torch_plan p;
    make_plan(&p, m, class_names);
    tw count = {0};
    write_script(&count, &p);
    return count.bad ? 0 : count.at;
}

cl_status cl_nn_save_pytorch(const cl_nn *m, const char *class_names, char *buf, size_t len)
{
    if (!m || !buf) return CL_ERR_NULL;
    cl_status st = cl_nn_check_class_names(m, class_names);
    if (st != CL_OK) return st;
    torch_plan p;
    make_plan(&p, m, class_names);
    tw count = {0};
    write_script(&count, &p);
    if (count.bad) return CL_ERR_OVERFLOW;
    if (len < count.at) return CL_ERR_OUTPUT;
    tw out = {.buf = (uint8_t *)buf, .cap = count.at};
    write_script(&out, &p);
    assert(!out.bad && out.at == count.at);
    return CL_OK;
}
