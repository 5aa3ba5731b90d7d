# mk/kernels.mk - the network kernels (GEMM, conv layer, pooling) on their own:
# the native benchmark, and WASM modules holding only the kernels, so they can be
# measured (node tools/bench-gemm.mjs) without the rest of the engine.

KERNELS_SRC := core/cl_base.c core/cl_gemm.c core/cl_conv_layer.c core/cl_pool.c
KERNELS_SIMD_SRC := core/cl_gemm_wasmsimd.c core/cl_conv_layer_wasmsimd.c core/cl_pool_wasmsimd.c
KERNELS_HDR := core/cl_base.h core/cl_gemm.h core/cl_conv_layer.h core/cl_pool.h core/cl_conv.h \
  core/cl_simd.h

$(NATIVE_OPT)/bench-gemm: tools/bench-gemm.c $(KERNELS_SRC) $(KERNELS_SIMD_SRC) $(KERNELS_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O3 -march=native -DCL_HAVE_SIMD $< $(KERNELS_SRC) $(KERNELS_SIMD_SRC) -lm -o $@

$(BUILD)/kernels/kernels-simd.wasm: $(KERNELS_SRC) $(KERNELS_SIMD_SRC) $(KERNELS_HDR)
	@mkdir -p $(dir $@)
	$(EMCC) $(EMFLAGS) -msimd128 -DCL_HAVE_SIMD $(KERNELS_SRC) $(KERNELS_SIMD_SRC) -o $@

$(BUILD)/kernels/kernels-scalar.wasm: $(KERNELS_SRC) $(KERNELS_HDR)
	@mkdir -p $(dir $@)
	$(EMCC) $(EMFLAGS) $(KERNELS_SRC) -o $@

.PHONY: kernels-wasm bench-gemm
kernels-wasm: $(BUILD)/kernels/kernels-simd.wasm $(BUILD)/kernels/kernels-scalar.wasm

# native, then the SIMD and scalar kernels in node (V8, as in Chromium)
bench-gemm: $(NATIVE_OPT)/bench-gemm kernels-wasm
	$(NATIVE_OPT)/bench-gemm
	node tools/bench-gemm.mjs
