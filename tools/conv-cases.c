/* conv-cases: writes convolution and conversion cases, with the native
 * results, for the tests of the built .wasm (tests/wasm/conv.test.mjs), which
 * run the same inputs through both WASM builds and compare.
 *
 *   build/native/conv-cases OUT.bin
 *
 * Format, little-endian: "CLCASES1", u32 count, then per case
 *   i32 kind (0 sum, 1 per-channel, 2 gradient magnitude, 3 RGBA->planar->RGBA),
 *   i32 c, h, w, kc, k1, k2, pad, stride, oh, ow, display, to_gray; f32 bias;
 *   kinds 0-2: f32 x[c*h*w], f32 k[kc*k1*k2], f32 z[planes*oh*ow]
 *   kind 3:    u8 rgba[h*w*4], f32 planar[c*h*w], u8 out[h*w*4]
 *   kind 4:    cl_filter_rgba; c holds the filter mode: u8 rgba[h*w*4],
 *              f32 k[kc*k1*k2], f32 z[planes*oh*ow], u8 out[oh*ow*4]
 */
#include "cl_conv.h"
#include "cl_filter.h"
#include "cl_image.h"
#include "cl_kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 2024;
static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static void put_i32(FILE *f, int32_t v) { fwrite(&v, 4, 1, f); }

static int conv_case(FILE *f, int kind, int c, int h, int w, int k1, int k2, int pad, int stride)
{
    int oh, ow;
    if (cl_conv_out_size(h, w, k1, k2, pad, stride, &oh, &ow) != CL_OK) return 0;
    int kc = kind == 2 ? 0 : c, planes = kind == 0 ? 1 : c;
    size_t nx = (size_t)c * h * w, nk = (size_t)kc * k1 * k2, nz = (size_t)planes * oh * ow;
    float *x = malloc(nx * 4), *k = malloc(nk * 4 + 4), *z = malloc(nz * 4), *tmp = malloc((size_t)oh * ow * 4);
    for (size_t i = 0; i < nx; i++) x[i] = (float)(rnd() % 256);
    for (size_t i = 0; i < nk; i++) k[i] = (float)((int)(rnd() % 2001) - 1000) / 997.0f;
    float bias = kind == 0 ? (float)((int)(rnd() % 200) - 100) / 7.0f : 0.0f;
    cl_status st = kind == 0   ? cl_conv2d_sum(x, c, h, w, k, k1, k2, bias, pad, stride, z, oh, ow)
                   : kind == 1 ? cl_conv2d_per_channel(x, c, h, w, k, kc, k1, k2, pad, stride, z, oh, ow)
                               : cl_conv2d_gradient_magnitude(x, c, h, w, pad, stride, z, oh, ow, tmp);
    if (st != CL_OK) {
        fprintf(stderr, "conv-cases: %s\n", cl_status_message(st));
        exit(1);
    }
    int32_t head[13] = {kind, c, h, w, kc, k1, k2, pad, stride, oh, ow, 0, 0};
    for (int i = 0; i < 13; i++) put_i32(f, head[i]);
    fwrite(&bias, 4, 1, f);
    fwrite(x, 4, nx, f);
    fwrite(k, 4, nk, f);
    fwrite(z, 4, nz, f);
    free(x); free(k); free(z); free(tmp);
    return 1;
}

/* pixels: h * w RGBA pixels to convert, or NULL for random bytes */
static int image_case(FILE *f, int h, int w, int display, int to_gray, const uint8_t *pixels)
{
    size_t n = (size_t)h * w;
    int c = to_gray ? 1 : 3;
    uint8_t *rgba = malloc(n * 4), *out = malloc(n * 4);
    float *planar = malloc(n * 3 * 4);
    for (size_t i = 0; i < n * 4; i++) rgba[i] = pixels ? pixels[i] : (uint8_t)rnd();
    cl_image_from_u8(rgba, h, w, 4, to_gray, planar);
    /* make some values negative and out of range so every display mapping is exercised */
    float *shifted = malloc(n * c * 4);
    for (size_t i = 0; i < n * c; i++) shifted[i] = planar[i] * 1.37f - 60.25f;
    if (cl_image_to_rgba(shifted, c, h, w, display, out) != CL_OK) {
        fprintf(stderr, "conv-cases: image case failed\n");
        exit(1);
    }
    int32_t head[13] = {3, c, h, w, 0, 0, 0, 0, 0, h, w, display, to_gray};
    for (int i = 0; i < 13; i++) put_i32(f, head[i]);
    float zero = 0;
    fwrite(&zero, 4, 1, f);
    fwrite(rgba, 1, n * 4, f);
    fwrite(planar, 4, n * c, f);
    fwrite(out, 1, n * 4, f);
    free(rgba); free(out); free(planar); free(shifted);
    return 1;
}

/* Every colour whose grayscale is an exact half (299 R + 587 G + 114 B ends
 * in 500: 16,782 of them), as a 167 x 101 picture (the last row repeats the
 * first colours), converted to gray. */
static int gray_ties_case(FILE *f)
{
    const int h = 167, w = 101;
    uint8_t *px = malloc((size_t)4 * h * w);
    size_t k = 0;
    for (int r = 0; r < 256; r++)
        for (int g = 0; g < 256; g++)
            for (int b = 0; b < 256; b++)
                if ((CL_LUMA_R * r + CL_LUMA_G * g + CL_LUMA_B * b) % CL_LUMA_SCALE == CL_LUMA_SCALE / 2) {
                    const uint8_t p[4] = {(uint8_t)r, (uint8_t)g, (uint8_t)b, 255};
                    memcpy(px + 4 * k++, p, 4);
                }
    for (size_t i = k; i < (size_t)h * w; i++) memcpy(px + 4 * i, px + 4 * (i - k), 4);
    int done = image_case(f, h, w, CL_DISPLAY_CLAMP, 1, px);
    free(px);
    return done;
}

static int filter_case(FILE *f, int mode, int h, int w, int k1, int k2, int pad, int stride,
                       int display)
{
    int oh, ow;
    if (mode == CL_FILTER_MAGNITUDE) k1 = k2 = 3;
    if (cl_conv_out_size(h, w, k1, k2, pad, stride, &oh, &ow) != CL_OK) return 0;
    int kc = mode == CL_FILTER_SUM ? 3 : 1;
    int planes = (mode == CL_FILTER_GRAY || mode == CL_FILTER_SUM) ? 1 : 3;
    size_t n = (size_t)h * w, on = (size_t)oh * ow;
    uint8_t *rgba = malloc(4 * n), *out = malloc(4 * on);
    float *x = malloc(12 * n), *z = malloc(12 * on), *tmp = malloc(4 * on), k[3 * 225];
    for (size_t i = 0; i < 4 * n; i++) rgba[i] = (uint8_t)rnd();
    for (int i = 0; i < kc * k1 * k2; i++) k[i] = (float)((int)(rnd() % 2001) - 1000) / 1301.0f;
    float bias = mode == CL_FILTER_SUM ? 3.25f : 0.0f;
    const cl_filter_params p = {rgba, h, w, mode, k, kc, k1, k2, bias, pad, stride, display,
                                x, z, tmp, out, oh, ow, NULL, 0, 0};
    if (cl_filter_rgba(&p) != CL_OK) {
        fprintf(stderr, "conv-cases: filter case failed\n");
        exit(1);
    }
    int32_t head[13] = {4, mode, h, w, kc, k1, k2, pad, stride, oh, ow, display, 0};
    for (int i = 0; i < 13; i++) put_i32(f, head[i]);
    fwrite(&bias, 4, 1, f);
    fwrite(rgba, 1, 4 * n, f);
    fwrite(k, 4, (size_t)kc * k1 * k2, f);
    fwrite(z, 4, planes * on, f);
    fwrite(out, 1, 4 * on, f);
    free(rgba); free(out); free(x); free(z); free(tmp);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: conv-cases OUT.bin\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fwrite("CLCASES1", 1, 8, f);
    uint32_t count = 0;
    fwrite(&count, 4, 1, f);
    static const int sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33};
    for (int a = 0; a < 12; a++)
        for (int b = 0; b < 12; b += 1 + (a % 3))
            for (int pad = 0; pad < 4; pad++)
                for (int s = 1; s <= 4; s++) {
                    int k1 = 1 + (a + 2 * b + pad) % 15, k2 = 1 + (3 * a + b + s) % 15;
                    int kind = (a + b + pad + s) % 3;
                    if (kind == 2) k1 = k2 = 3;
                    count += conv_case(f, kind, 1 + (a + b) % 4, sizes[a], sizes[b], k1, k2, pad, s);
                }
    count += conv_case(f, 1, 3, 70, 105, 3, 3, CL_PAD_ZERO, 1);
    count += conv_case(f, 0, 3, 70, 105, 7, 7, CL_PAD_REFLECT, 1);
    count += conv_case(f, 1, 3, 41, 67, 15, 15, CL_PAD_EDGE, 3);
    /* the two-row loop of stride 1 on long rows, with its 16-, 8- and 4-output
     * blocks and the border columns in lanes, zero padding skipping taps */
    count += conv_case(f, 1, 2, 40, 131, 15, 15, CL_PAD_ZERO, 1);
    count += conv_case(f, 0, 3, 37, 99, 5, 5, CL_PAD_ZERO, 1);
    count += conv_case(f, 2, 3, 33, 47, 3, 3, CL_PAD_EDGE, 1);
    for (int d = 0; d < CL_DISPLAY_COUNT; d++)
        for (int g = 0; g < 2; g++)
            if (!(d == CL_DISPLAY_DIVERGING && !g)) count += image_case(f, 13, 17 + d, d, g, NULL);
    count += gray_ties_case(f);
    for (int mode = 0; mode < 4; mode++)
        for (int pad = 0; pad < 4; pad++)
            for (int d = 0; d < CL_DISPLAY_COUNT; d++)
                count += filter_case(f, mode, 37 + 11 * d, 29 + mode, 1 + (mode + pad + d) % 6,
                                     1 + (2 * mode + pad) % 5, pad, 1 + (pad + d) % 3,
                                     (d == CL_DISPLAY_DIVERGING && (mode == 1 || mode == 3)) ? 0 : d);
    count += filter_case(f, CL_FILTER_PER_CHANNEL, 700, 105, 3, 3, CL_PAD_ZERO, 1, CL_DISPLAY_CLAMP);
    fseek(f, 8, SEEK_SET);
    fwrite(&count, 4, 1, f);
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    printf("conv-cases: %u cases written to %s\n", count, argv[1]);
    return 0;
}
