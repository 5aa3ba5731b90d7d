;; peak.wat - the vector peak the convolution benchmarks measure the kernels
;; against (tests/bench/conv.bench.mjs, tools/bench-conv.mjs): WASM SIMD128
;; multiplications and additions of 4 lanes, separate (no fused multiply-add:
;; the engine's sums keep the reference's roundings), in as many independent
;; chains as the vector units overlap. Written by hand, not compiled from C,
;; so that every JIT is given the same loop: from C, clang's choices (addresses
;; added apart, constants in place of registers) and V8's (every load of a
;; round first, then the sums spilled) left the C forms at 75% of this peak in
;; node 20. Each export runs n rounds and returns a value that depends on every
;; operation; the benchmark takes the fastest form, in flops a second.
;;
;;   chains  96 flops a round: six chains x *= m and six a += c, two steps each
;;           (the engine's cl_f32x4_muladd_peak_wasmsimd)
;;   sums10  80 flops a round: ten sums a += x * m, x loaded at each round, as
;;           the kernels' own loops do (the loads are folded into the
;;           multiplications; only the additions are chained)
;;   sums8   64 flops a round: the same with eight sums
;;
;; Built by `make bench` (wat2wasm) into build/bench/peak.wasm.
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

  (func (export "chains") (param $n i32) (result f32)
    (local $m v128) (local $c v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $x4 v128) (local $x5 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local $u i32)
    ;; m: the float after 1, so x grows by e^24 at most in 10^8 rounds
    (local.set $m (f32x4.splat (f32.const 1.00000012)))
    (local.set $c (f32x4.splat (f32.const 1)))
    (local.set $x0 (f32x4.splat (f32.const 1))) (local.set $x1 (f32x4.splat (f32.const 2)))
    (local.set $x2 (f32x4.splat (f32.const 3))) (local.set $x3 (f32x4.splat (f32.const 4)))
    (local.set $x4 (f32x4.splat (f32.const 5))) (local.set $x5 (f32x4.splat (f32.const 6)))
    (local.set $a0 (local.get $x0)) (local.set $a1 (local.get $x1)) (local.set $a2 (local.get $x2))
    (local.set $a3 (local.get $x3)) (local.set $a4 (local.get $x4)) (local.set $a5 (local.get $x5))
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $round
        (local.set $x0 (f32x4.mul (local.get $x0) (local.get $m))) (local.set $a0 (f32x4.add (local.get $a0) (local.get $c)))
        (local.set $x1 (f32x4.mul (local.get $x1) (local.get $m))) (local.set $a1 (f32x4.add (local.get $a1) (local.get $c)))
        (local.set $x2 (f32x4.mul (local.get $x2) (local.get $m))) (local.set $a2 (f32x4.add (local.get $a2) (local.get $c)))
        (local.set $x3 (f32x4.mul (local.get $x3) (local.get $m))) (local.set $a3 (f32x4.add (local.get $a3) (local.get $c)))
        (local.set $x4 (f32x4.mul (local.get $x4) (local.get $m))) (local.set $a4 (f32x4.add (local.get $a4) (local.get $c)))
        (local.set $x5 (f32x4.mul (local.get $x5) (local.get $m))) (local.set $a5 (f32x4.add (local.get $a5) (local.get $c)))
        (local.set $x0 (f32x4.mul (local.get $x0) (local.get $m))) (local.set $a0 (f32x4.add (local.get $a0) (local.get $c)))
        (local.set $x1 (f32x4.mul (local.get $x1) (local.get $m))) (local.set $a1 (f32x4.add (local.get $a1) (local.get $c)))
        (local.set $x2 (f32x4.mul (local.get $x2) (local.get $m))) (local.set $a2 (f32x4.add (local.get $a2) (local.get $c)))
        (local.set $x3 (f32x4.mul (local.get $x3) (local.get $m))) (local.set $a3 (f32x4.add (local.get $a3) (local.get $c)))
        (local.set $x4 (f32x4.mul (local.get $x4) (local.get $m))) (local.set $a4 (f32x4.add (local.get $a4) (local.get $c)))
        (local.set $x5 (f32x4.mul (local.get $x5) (local.get $m))) (local.set $a5 (f32x4.add (local.get $a5) (local.get $c)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $round (i32.gt_s (local.get $n) (i32.const 0)))))
    (f32x4.extract_lane 0
      (f32x4.add
        (f32x4.add (f32x4.add (f32x4.add (local.get $x0) (local.get $x1)) (f32x4.add (local.get $x2) (local.get $x3)))
                   (f32x4.add (local.get $x4) (local.get $x5)))
        (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))
                   (f32x4.add (local.get $a4) (local.get $a5))))))

  (func (export "sums10") (param $n i32) (result f32)
    (local $m v128) (local $p i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128)
    (call $fill)
    (local.set $m (f32x4.splat (f32.const 1.00000012)))
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $round
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $m))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $m))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $p)) (local.get $m))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $p)) (local.get $m))))
        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=64 (local.get $p)) (local.get $m))))
        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=80 (local.get $p)) (local.get $m))))
        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=96 (local.get $p)) (local.get $m))))
        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=112 (local.get $p)) (local.get $m))))
        (local.set $a8 (f32x4.add (local.get $a8) (f32x4.mul (v128.load offset=128 (local.get $p)) (local.get $m))))
        (local.set $a9 (f32x4.add (local.get $a9) (f32x4.mul (v128.load offset=144 (local.get $p)) (local.get $m))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $round (i32.gt_s (local.get $n) (i32.const 0)))))
    (f32x4.extract_lane 0
      (f32x4.add
        (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))
                   (f32x4.add (f32x4.add (local.get $a4) (local.get $a5)) (f32x4.add (local.get $a6) (local.get $a7))))
        (f32x4.add (local.get $a8) (local.get $a9)))))

  (func (export "sums8") (param $n i32) (result f32)
    (local $m v128) (local $p i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (call $fill)
    (local.set $m (f32x4.splat (f32.const 1.00000012)))
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $round
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $m))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $m))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $p)) (local.get $m))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $p)) (local.get $m))))
        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load offset=64 (local.get $p)) (local.get $m))))
        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load offset=80 (local.get $p)) (local.get $m))))
        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load offset=96 (local.get $p)) (local.get $m))))
        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load offset=112 (local.get $p)) (local.get $m))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $round (i32.gt_s (local.get $n) (i32.const 0)))))
    (f32x4.extract_lane 0
      (f32x4.add
        (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))
        (f32x4.add (f32x4.add (local.get $a4) (local.get $a5)) (f32x4.add (local.get $a6) (local.get $a7)))))))
