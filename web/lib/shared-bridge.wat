;; shared-bridge.wat - built into lib/shared-bridge.wasm (Makefile, wat2wasm):
;; copies between one engine's memory and the train page's shared memory
;; (train/exchange.js), for lib/shared-bridge.js.
;;
;; An engine's memory is not shared, so its gradient has to be copied into the
;; shared block for the other workers, and theirs back. From JavaScript,
;; TypedArray.set copies into or out of a SharedArrayBuffer element by element
;; (it must not tear what another thread reads); memory.copy between two
;; memories of one module is a plain block copy, 2 to 5 times faster. This
;; needs WebAssembly's multi-memory (Chrome 120, Firefox 125); elsewhere the
;; module does not compile and the workers copy as before.
;;
;; Offsets are bytes; counts of `add` are floats.
(module
  (import "env" "engine" (memory $engine 0))
  (import "env" "shared" (memory $shared 1 65536 shared))

  ;; shared[dst .. dst + bytes) = engine[src .. src + bytes)
  (func (export "put") (param $dst i32) (param $src i32) (param $bytes i32)
    (memory.copy $shared $engine (local.get $dst) (local.get $src) (local.get $bytes)))

  ;; engine[dst .. dst + bytes) = shared[src .. src + bytes)
  (func (export "get") (param $dst i32) (param $src i32) (param $bytes i32)
    (memory.copy $engine $shared (local.get $dst) (local.get $src) (local.get $bytes)))

  ;; shared[dst + i stride, + bytes) = engine[src + i stride, + bytes) for i < rows:
  ;; columns of a row-major table (a split team's values, train/split.js)
  (func (export "put_rows") (param $dst i32) (param $src i32) (param $bytes i32) (param $stride i32) (param $rows i32)
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (memory.copy $shared $engine (local.get $dst) (local.get $src) (local.get $bytes))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (local.set $src (i32.add (local.get $src) (local.get $stride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; engine floats [dst, dst + 4n) += shared floats [src, src + 4n), element by
  ;; element: each a single float addition, the bits of cl_nn_add_gradients.
  ;; 16 floats a step, then one at a time.
  (func (export "add") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done16
      (loop $step16
        (br_if $done16 (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store $engine offset=0 (local.get $dst)
          (f32x4.add (v128.load $engine offset=0 (local.get $dst)) (v128.load $shared offset=0 (local.get $src))))
        (v128.store $engine offset=16 (local.get $dst)
          (f32x4.add (v128.load $engine offset=16 (local.get $dst)) (v128.load $shared offset=16 (local.get $src))))
        (v128.store $engine offset=32 (local.get $dst)
          (f32x4.add (v128.load $engine offset=32 (local.get $dst)) (v128.load $shared offset=32 (local.get $src))))
        (v128.store $engine offset=48 (local.get $dst)
          (f32x4.add (v128.load $engine offset=48 (local.get $dst)) (v128.load $shared offset=48 (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (br $step16)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 15)) (i32.const 2))))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store $engine (local.get $dst)
          (f32.add (f32.load $engine (local.get $dst)) (f32.load $shared (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $step))))
)
