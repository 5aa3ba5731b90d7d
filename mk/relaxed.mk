# mk/relaxed.mk - the third engine module, build/site/convlab-relaxed.wasm: the
# SIMD build with -mrelaxed-simd, whose multiply-adds (CL_F32X4_MADD in
# core/cl_simd.h) are f32x4.relaxed_madd, fused where the CPU has FMA. The
# loader (web/lib/convlab.js) takes it where the browser validates relaxed SIMD.
#
# Emscripten 3.1.6's LLVM 14 emits a pre-standard opcode for relaxed_madd;
# Debian's LLVM 16 (clang-16, lld-16) emits the standard one (0xfd 0x85 0x02).
#   - compile: emcc -c with EM_LLVM_ROOT pointing at LLVM 16's tools, also
#     under the -14 names Debian's emcc calls (the folder below);
#   - link: LLVM 16's wasm-ld against Emscripten's own libraries, with the
#     line emcc uses for the other two modules (EMCC_DEBUG=1 shows it);
#   - no Binaryen: Debian's wasm-emscripten-finalize and wasm-opt cannot read
#     the opcode ("invalid code after SIMD prefix: 261"). The module has the
#     same import and exports as the others (tests/wasm/relaxed.test.mjs),
#     and the plain SIMD module made this way runs as fast as emcc's (README).

LLVM16 := /usr/lib/llvm-16/bin
LLVM16_ROOT := $(BUILD)/llvm16
RELAXED_OBJ := $(BUILD)/relaxed
EM_SYSLIB := $(shell $(EMCC:emcc=em-config) CACHE 2>/dev/null || echo /usr/share/emscripten/cache)/sysroot/lib/wasm32-emscripten
RELAXED_LINK := --import-undefined --strip-all --export-table -z stack-size=5242880 \
  --export=stackSave --export=stackRestore --export=stackAlloc --export=__errno_location \
  --export-if-defined=__start_em_asm --export-if-defined=__stop_em_asm \
  --initial-memory=33554432 --max-memory=2147483648 --global-base=1024 --entry=_initialize \
  $(EM_SYSLIB)/crt1_reactor.o -L$(EM_SYSLIB) -lGL -lal -lhtml5 -lstandalonewasm-memgrow -lstubs \
  -lnoexit -lc -ldlmalloc -lcompiler_rt -lc++-noexcept -lc++abi-noexcept -lsockets

$(LLVM16_ROOT)/.made: $(LLVM16)/clang
	@mkdir -p $(LLVM16_ROOT)
	$(Q)for t in $$(ls $(LLVM16)); do ln -sf $(LLVM16)/$$t $(LLVM16_ROOT)/$$t; ln -sf $(LLVM16)/$$t $(LLVM16_ROOT)/$$t-14; done
	@touch $@

# (after the SIMD module: emcc's first link fills its cache with the libraries used here)
$(RELAXED_OBJ)/%.o: core/%.c $(CORE_HDR) | $(LLVM16_ROOT)/.made $(SITE)/convlab-simd.wasm
	@mkdir -p $(dir $@)
	$(Q)EM_LLVM_ROOT=$(abspath $(LLVM16_ROOT)) $(EMCC) -O3 -DNDEBUG $(CFLAGS_COMMON) -msimd128 -mrelaxed-simd \
	  -DCL_HAVE_SIMD -c $< -o $@

$(SITE)/convlab-relaxed.wasm: $(patsubst core/%.c,$(RELAXED_OBJ)/%.o,$(CORE_SRC) $(SIMD_SRC)) | $(SITE)
	@echo "  LD16  $@"
	$(Q)$(LLVM16)/wasm-ld -o $@ $^ $(RELAXED_LINK)

dist: $(SITE)/convlab-relaxed.wasm
