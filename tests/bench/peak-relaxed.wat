;; peak-relaxed.wat - the fused multiply-add peak of relaxed SIMD, against which
;; the relaxed benchmark (tests/bench/relaxed.bench.mjs) gives the relaxed
;; build's kernels as a share: peak.wat's sums with each multiplication and
;; addition fused (f32x4.relaxed_madd: one rounding; V8 runs it as one FMA
;; where the CPU has it). Each export runs n rounds and returns a value that
;; depends on every operation; the benchmark takes the fastest form (with the
;; engine's own cl_f32x4_madd_peak_wasmsimd, 12 chains), in flops a second.
;;
;;   fsums10  80 flops a round: ten sums a = x * m + a, x loaded at each round
;;   fsums16  128 flops a round: sixteen (an FMA's latency times its units:
;;            4 x 2 on Zen 3, more where there are more)
;;
;; Built by `make bench` (wat2wasm --enable-relaxed-simd) into build/bench/peak-relaxed.wasm.
(module
  (memory 1)
  ;; 64 floats of 1 + i/1024 at address 0: the loaded vectors
  (func $fill
    (local $i i32)
    (loop $l
      (f32.store (i32.shl (local.get $i) (i32.const 2))
        (f32.add (f32.const 1) (f32.div (f32.convert_i32_s (local.get $i)) (f32.const 1024))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (i32.const 64)))))

  (func (export "fsums10") (param $n i32) (result f32)
    (local $m v128) (local $p i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128)
    (call $fill)
    (local.set $m (f32x4.splat (f32.const 1.00000012)))
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $round
        (local.set $a0 (f32x4.relaxed_madd (v128.load offset=0 (local.get $p)) (local.get $m) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (v128.load offset=16 (local.get $p)) (local.get $m) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (v128.load offset=32 (local.get $p)) (local.get $m) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (v128.load offset=48 (local.get $p)) (local.get $m) (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (v128.load offset=64 (local.get $p)) (local.get $m) (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (v128.load offset=80 (local.get $p)) (local.get $m) (local.get $a5)))
        (local.set $a6 (f32x4.relaxed_madd (v128.load offset=96 (local.get $p)) (local.get $m) (local.get $a6)))
        (local.set $a7 (f32x4.relaxed_madd (v128.load offset=112 (local.get $p)) (local.get $m) (local.get $a7)))
        (local.set $a8 (f32x4.relaxed_madd (v128.load offset=128 (local.get $p)) (local.get $m) (local.get $a8)))
        (local.set $a9 (f32x4.relaxed_madd (v128.load offset=144 (local.get $p)) (local.get $m) (local.get $a9)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $round (i32.gt_s (local.get $n) (i32.const 0)))))
    (f32x4.extract_lane 0
      (f32x4.add (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))) (f32x4.add (f32x4.add (local.get $a4) (local.get $a5)) (f32x4.add (local.get $a6) (local.get $a7)))) (f32x4.add (local.get $a8) (local.get $a9)))))

  (func (export "fsums16") (param $n i32) (result f32)
    (local $m v128) (local $p i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128) (local $a10 v128) (local $a11 v128) (local $a12 v128) (local $a13 v128) (local $a14 v128) (local $a15 v128)
    (call $fill)
    (local.set $m (f32x4.splat (f32.const 1.00000012)))
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $round
        (local.set $a0 (f32x4.relaxed_madd (v128.load offset=0 (local.get $p)) (local.get $m) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (v128.load offset=16 (local.get $p)) (local.get $m) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (v128.load offset=32 (local.get $p)) (local.get $m) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (v128.load offset=48 (local.get $p)) (local.get $m) (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (v128.load offset=64 (local.get $p)) (local.get $m) (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (v128.load offset=80 (local.get $p)) (local.get $m) (local.get $a5)))
        (local.set $a6 (f32x4.relaxed_madd (v128.load offset=96 (local.get $p)) (local.get $m) (local.get $a6)))
        (local.set $a7 (f32x4.relaxed_madd (v128.load offset=112 (local.get $p)) (local.get $m) (local.get $a7)))
        (local.set $a8 (f32x4.relaxed_madd (v128.load offset=128 (local.get $p)) (local.get $m) (local.get $a8)))
        (local.set $a9 (f32x4.relaxed_madd (v128.load offset=144 (local.get $p)) (local.get $m) (local.get $a9)))
        (local.set $a10 (f32x4.relaxed_madd (v128.load offset=160 (local.get $p)) (local.get $m) (local.get $a10)))
        (local.set $a11 (f32x4.relaxed_madd (v128.load offset=176 (local.get $p)) (local.get $m) (local.get $a11)))
        (local.set $a12 (f32x4.relaxed_madd (v128.load offset=192 (local.get $p)) (local.get $m) (local.get $a12)))
        (local.set $a13 (f32x4.relaxed_madd (v128.load offset=208 (local.get $p)) (local.get $m) (local.get $a13)))
        (local.set $a14 (f32x4.relaxed_madd (v128.load offset=224 (local.get $p)) (local.get $m) (local.get $a14)))
        (local.set $a15 (f32x4.relaxed_madd (v128.load offset=240 (local.get $p)) (local.get $m) (local.get $a15)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $round (i32.gt_s (local.get $n) (i32.const 0)))))
    (f32x4.extract_lane 0
      (f32x4.add (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))) (f32x4.add (f32x4.add (local.get $a4) (local.get $a5)) (f32x4.add (local.get $a6) (local.get $a7)))) (f32x4.add (f32x4.add (f32x4.add (local.get $a8) (local.get $a9)) (f32x4.add (local.get $a10) (local.get $a11))) (f32x4.add (f32x4.add (local.get $a12) (local.get $a13)) (f32x4.add (local.get $a14) (local.get $a15)))))))
)
